"""Expiry reminders: the job writes one reminder per member per expiry date within the brand's
horizon into the outbox, never twice; HQ operators read the outbox (`notifications`)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from domain.engagement import settings
from domain.notifications.models import Notification, NotificationStatus
from domain.notifications.reminders import write_expiry_reminders
from domain.points import purchases
from server import jobs
from tests.authorization.conftest import CALLERS, denial_code
from tests.factories import hq
from tests.points.support import error_codes

UTC = timezone.utc
NOTIFICATIONS = """query($status: NotificationStatus) { notifications(status: $status) {
  totalCount edges { node { kind uniqueKey payload status attempts memberId } } } }"""


async def earn(world, member, order_id: str, amount: str, at: datetime) -> None:
    await purchases.record_purchase(hq(world.admin), member_id=member.id, store_id=world.store_a.id, amount=amount,
                                    order_id=order_id, channel=purchases.Channel.STORE, occurred_at=at)


async def test_one_reminder_per_member_per_expiry_date_within_the_brands_horizon(world):
    # given lots that expire (12 months rolling, Shanghai) at the end of 2027-01-10 twice,
    # 2027-01-12 once, and 2027-03-01 (beyond a 7-day horizon), and one of another brand
    for n, (member, day) in enumerate([(world.member_a, 10), (world.member_a, 10), (world.member_a, 12),
                                       (world.member_b, 10)]):
        await earn(world, member, f"o-{n}", "10.00", datetime(2026, 1, day, 4, tzinfo=UTC))
    await earn(world, world.member_a, "o-late", "10.00", datetime(2026, 3, 1, 4, tzinfo=UTC))
    now = datetime(2027, 1, 9, 2, tzinfo=UTC)

    # when the job runs twice
    first = await write_expiry_reminders(now)
    second = await write_expiry_reminders(now)

    # then three reminders: member A for the 10th (20 points) and the 12th, member B for the 10th
    assert (first, second) == (3, 0)
    rows = await Notification.all().order_by("unique_key").values_list("member_id", "payload", "status")
    assert sorted(rows, key=lambda r: (r[0], r[1]["lastDay"])) == [
        (world.member_a.id, {"points": 20, "lastDay": "2027-01-10"}, NotificationStatus.PENDING),
        (world.member_a.id, {"points": 10, "lastDay": "2027-01-12"}, NotificationStatus.PENDING),
        (world.member_b.id, {"points": 10, "lastDay": "2027-01-10"}, NotificationStatus.PENDING),
    ]


async def test_the_horizon_is_the_brands_setting(world):
    await earn(world, world.member_a, "o-1", "10.00", datetime(2026, 1, 10, 4, tzinfo=UTC))
    now = datetime(2026, 12, 31, 2, tzinfo=UTC)  # eleven days before

    assert await write_expiry_reminders(now) == 0
    await settings.update_engagement_settings(hq(world.admin), settings.SettingsInput(expiry_reminder_days=14))
    assert await write_expiry_reminders(now) == 1


async def test_the_reminder_job_runs_on_the_broker_and_sends_through_the_log(world):
    await earn(world, world.member_a, "o-1", "10.00", datetime.now(UTC).replace(year=datetime.now(UTC).year - 1))
    await settings.update_engagement_settings(hq(world.admin), settings.SettingsInput(expiry_reminder_days=30))

    handle = await jobs.broker.find_task("expiry_reminders").kiq()
    result = await handle.wait_result(timeout=30)

    assert not result.is_err and result.return_value == 1
    row = await Notification.get(member_id=world.member_a.id)
    assert (row.status, row.sender, row.attempts) == (NotificationStatus.SENT, "log", 1)


@pytest.mark.parametrize("caller", [
    pytest.param(c, id=f"{c}-{'allowed' if c in ('hq_operator', 'hq_admin', 'other_admin') else 'denied'}")
    for c in CALLERS])
async def test_notifications_permission(gql, world, caller):
    await earn(world, world.member_a, "o-1", "10.00", datetime(2026, 1, 10, 4, tzinfo=UTC))
    await write_expiry_reminders(datetime(2027, 1, 9, 2, tzinfo=UTC))

    body = await gql(NOTIFICATIONS, token=world.tokens[caller], expect_errors=True)

    if caller in ("hq_operator", "hq_admin"):
        node = body["data"]["notifications"]["edges"][0]["node"]
        assert (node["kind"], node["status"], node["memberId"]) == ("POINTS_EXPIRING", "PENDING", str(world.member_a.id))
    elif caller == "other_admin":
        assert body["data"]["notifications"]["totalCount"] == 0
    else:
        assert error_codes(body) == [denial_code(caller)]
