"""The points expiry job on taskiq: kicked on the in-process broker (the embedded default) and,
when LOYALTY_TEST_REDIS_URL names a server, through the Redis queue to an in-process worker."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timezone

import pytest
from taskiq.api import run_receiver_task
from taskiq.cli.scheduler.run import is_cron_task_now
from taskiq_redis import ListQueueBroker

from domain.points import purchases
from domain.points.models import LedgerKind, PointsAccount, PointsLedgerEntry
from domain.points.verify import verify_ledgers
from server import jobs
from tests.conftest import REDIS_URL
from tests.factories import hq, make_brand, make_member, make_store

# Lots last 12 months (the default rules): one long due, one due in 2101. No wall clock needed.
LONG_AGO = datetime(2020, 5, 1, 4, 0, tzinfo=timezone.utc)
FAR_AHEAD = datetime(2100, 5, 1, 4, 0, tzinfo=timezone.utc)


async def _member_with_a_due_and_a_future_lot() -> int:
    brand, admin = await make_brand("acme")
    store = await make_store(admin, "A")
    member = await make_member(brand, store)
    for order_id, amount, at in (("o-old", "40", LONG_AGO), ("o-new", "25", FAR_AHEAD)):
        await purchases.record_purchase(hq(admin), member_id=member.id, store_id=store.id, amount=amount,
                                        order_id=order_id, channel=purchases.Channel.POS, occurred_at=at)
    return member.id


async def _kick_and_wait(broker) -> int:
    handle = await broker.find_task("expire_points").kiq()
    result = await handle.wait_result(timeout=30)
    assert not result.is_err, result.error
    return result.return_value


async def test_expire_points_task_on_the_in_process_broker_expires_due_lots_once():
    # given a member with 40 points long due and 25 points valid until 2101
    member_id = await _member_with_a_due_and_a_future_lot()
    broker = jobs.make_broker(None)

    # when the task is kicked twice
    first = await _kick_and_wait(broker)
    second = await _kick_and_wait(broker)

    # then the due lot expired once, the other is untouched
    assert (first, second) == (40, 0)
    assert (await PointsAccount.get(member_id=member_id)).balance == 25
    assert await PointsLedgerEntry.filter(member_id=member_id, kind=LedgerKind.EXPIRE).count() == 1
    assert await verify_ledgers() == []


@pytest.mark.skipif(REDIS_URL is None, reason="needs a Redis server (set LOYALTY_TEST_REDIS_URL)")
async def test_expire_points_task_through_the_redis_queue_runs_on_a_worker():
    # given the production broker on its own queue, and a worker listening to it
    member_id = await _member_with_a_due_and_a_future_lot()
    broker = jobs.make_broker(REDIS_URL)
    assert isinstance(broker, ListQueueBroker)
    broker.queue_name = f"loyalty:jobs:test:{uuid.uuid4().hex}"
    await broker.startup()
    worker = asyncio.create_task(run_receiver_task(broker))
    try:
        # when
        expired = await _kick_and_wait(broker)
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
        await broker.shutdown()

    # then
    assert expired == 40
    assert (await PointsAccount.get(member_id=member_id)).balance == 25


async def test_expire_points_is_scheduled_daily_at_five_past_midnight_in_shanghai():
    # given the schedules the scheduler reads from the tasks' labels
    [source] = jobs.scheduler.sources
    await source.startup()
    [schedule] = [s for s in await source.get_schedules() if s.task_name == "expire_points"]

    # then
    assert (schedule.task_name, schedule.cron, schedule.cron_offset) == ("expire_points", "5 0 * * *", "Asia/Shanghai")
    due = [is_cron_task_now(schedule.cron, moment, schedule.cron_offset) for moment in (
        datetime(2026, 3, 10, 16, 5, tzinfo=timezone.utc),  # 00:05 in Shanghai
        datetime(2026, 3, 10, 0, 5, tzinfo=timezone.utc),  # 08:05 in Shanghai
        datetime(2026, 3, 10, 16, 6, tzinfo=timezone.utc),
    )]
    assert due == [True, False, False]
