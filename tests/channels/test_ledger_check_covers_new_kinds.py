"""The ledger check (`loyalty verify-ledgers`) covers the new entry kinds and pending channel
points: consistent after channel earnings, claims, expiries and activities; a tampered ACTIVITY
entry or pending order is found."""

from __future__ import annotations

from domain.channels.models import ChannelOrder
from domain.channels.verify import verify_channel_orders
from domain.points.models import LedgerKind, PointsLedgerEntry
from domain.points.verify import verify_ledgers
from tests.channels.support import import_orders, order
from tests.engagement.support import CHECK_IN, earn_by_activities
from tests.factories import make_api_client, make_member


async def test_ledger_check_covers_activity_claim_and_pending_points(gql, world):
    # given every new way points move: a channel earning, a claim with an expiry, a check-in
    await earn_by_activities(world)
    token = await make_api_client(world.admin, ["orders:import"])
    await import_orders(gql, token, [order("T-1", world.member_a.phone, "10.00"),
                                     order("T-2", "+8613900000009", "30.00", "2024-01-01T12:00:00+08:00"),
                                     order("T-3", "+8613900000008", "30.00")])
    claimed = await make_member(world.brand, world.store_a, phone="+8613900000009")
    await gql(CHECK_IN, token=world.tokens["member"])
    kinds = set(await PointsLedgerEntry.all().values_list("kind", flat=True))
    assert {LedgerKind.EARN, LedgerKind.EXPIRE, LedgerKind.ACTIVITY} <= kinds
    assert await verify_ledgers() == [] and await verify_channel_orders() == []

    # when an ACTIVITY entry and a pending order are tampered with
    activity = await PointsLedgerEntry.get(kind=LedgerKind.ACTIVITY)
    await PointsLedgerEntry.filter(id=activity.id).update(delta=activity.delta + 1)
    pending = await ChannelOrder.get(external_id="T-3")
    await ChannelOrder.filter(id=pending.id).update(pending_reversed=pending.pending_earned + 1)

    # then both checks name them
    assert [p.member_id for p in await verify_ledgers()] == [world.member_a.id]
    assert [(p.order_id, p.reason) for p in await verify_channel_orders()] == [
        (pending.id, "pending points out of range")]
    assert claimed.id not in [p.member_id for p in await verify_ledgers()]
