"""Balance events leave only after the outermost transaction commits (domain.events.atomic):
a rollback, or a savepoint that fails, publishes nothing of what it recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from domain import events
from domain.points.models import LedgerKind, PointsLedgerEntry
from tests.points.support import adjust, purchase_input, record
from tests.subscriptions.support import POINTS_CHANGED, subscribe, ws_client


class CapturingBus:
    def __init__(self) -> None:
        self.published: list[list[events.BalanceChanged]] = []

    async def publish(self, published) -> None:
        self.published.append(list(published))


@pytest.fixture
def captured(app):
    previous = events.current_bus()
    bus = CapturingBus()
    events.use_bus(bus)
    yield bus
    events.use_bus(previous)


def change(delta: int) -> events.BalanceChanged:
    return events.BalanceChanged(account="points", brand_id=1, member_id=1, balance=100 + delta, delta=delta,
                                 kind="ADJUST", occurred_at=datetime.now(UTC))


async def test_events_wait_for_the_outermost_commit(captured):
    async with events.atomic():
        events.record(change(1))
        async with events.atomic():
            events.record(change(2))
        assert captured.published == []
    assert [[e.delta for e in batch] for batch in captured.published] == [[1, 2]]


async def test_a_rolled_back_transaction_publishes_nothing(captured):
    with pytest.raises(ZeroDivisionError):
        async with events.atomic():
            events.record(change(1))
            1 / 0
    assert captured.published == []


async def test_a_failed_savepoint_drops_only_its_own_events(captured):
    async with events.atomic():
        events.record(change(1))
        with pytest.raises(ZeroDivisionError):
            async with events.atomic():
                events.record(change(2))
                1 / 0
    assert [[e.delta for e in batch] for batch in captured.published] == [[1]]


async def test_atomic_refuses_to_nest_in_a_plain_transaction(captured):
    # its end would release a savepoint, not commit: publishing there could announce a rollback
    with pytest.raises(RuntimeError, match="plain in_transaction"):
        async with in_transaction():
            async with events.atomic():
                events.record(change(1))
    assert captured.published == []


def test_a_balance_cannot_change_outside_atomic(captured):
    with pytest.raises(RuntimeError, match="atomic"):
        events.record(change(1))


async def test_a_spend_refused_after_expiring_lots_publishes_nothing(app, gql, world):
    # given member A holds 88 points from a purchase two years ago, long expired but not yet swept
    long_ago = (datetime.now(UTC) - timedelta(days=730)).isoformat()
    await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-old", "88.00", occurredAt=long_ago))
    async with ws_client(app) as ws, subscribe(ws, POINTS_CHANGED, {"memberId": str(world.member_a.id)},
                                              token=world.tokens["member"]) as sub:
        assert (await sub.next_change())["balance"] == 88
        # when HQ takes 50 points: the spend first expires the 88 (an EXPIRE entry), then finds
        # too few points and the whole transaction rolls back
        refused = await adjust(gql, world.tokens["hq_admin"], world.member_a, -50, "k-1")
        assert [e["code"] for e in refused["errors"]] == ["INSUFFICIENT_POINTS"]
        assert not await PointsLedgerEntry.filter(member_id=world.member_a.id, kind=LedgerKind.EXPIRE).exists()
        # then the subscriber hears nothing of the rolled-back expiry: its next message is the
        # next commit (a credit, which does not sweep expired lots)
        await adjust(gql, world.tokens["hq_admin"], world.member_a, 5, "k-2")
        credited = await sub.next_change()
        assert (credited["kind"], credited["delta"], credited["balance"]) == ("ADJUST", 5, 93)
