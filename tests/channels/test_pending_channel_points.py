"""An unmatched phone's points wait as pending channel points, and appear on enrolment with
their original dates (一键同步历史积分); ones already past their expiry are recorded as expired."""

from __future__ import annotations

from datetime import datetime, timezone

from domain.channels.models import ChannelOrder, ChannelOrderStatus
from domain.points.models import LedgerKind, PointsLedgerEntry, PointsLot, Purchase
from domain.channels.verify import verify_channel_orders
from domain.points.verify import verify_ledgers
from tests.channels.support import PENDING, balance_of, import_orders, order
from tests.factories import make_api_client, make_member

PHONE = "+8613912345678"
# 12-month rolling expiry (the default rules): paid 2026-11-20 in Shanghai, valid through 2027-11-20.
RECENT = "2026-11-20T12:00:00+08:00"
LONG_AGO = "2024-03-01T12:00:00+08:00"  # expired at 2025-03-02 00:00 Shanghai


async def test_unmatched_phone_points_appear_on_enrolment_with_original_expiry(gql, world):
    # given two orders of a phone that is not a member yet, one of them long expired
    token = await make_api_client(world.admin, ["orders:import"])
    payload = await import_orders(gql, token, [order("T-1", PHONE, "66.60", RECENT, storeId=str(world.store_b.id)),
                                               order("T-2", PHONE, "20.00", LONG_AGO)])
    assert [r["outcome"] for r in payload["results"]] == ["PENDING_MEMBER", "PENDING_MEMBER"]
    pending = (await gql(PENDING, {"phone": "139 1234 5678"}, token=world.tokens["hq_operator"]))["data"]
    assert pending["pendingChannelPoints"]["points"] == 66  # the expired one no longer counts
    assert [o["pendingEarned"] for o in pending["pendingChannelPoints"]["orders"]] == [20, 66]

    # when the phone enrols at store A
    member = await make_member(world.brand, world.store_a, phone=PHONE)

    # then the recent points are its, on a lot with the original dates; the old ones expired
    assert await balance_of(member.id) == 66
    lots = await PointsLot.filter(member_id=member.id).order_by("earned_at")
    assert [(lot.earned, lot.remaining) for lot in lots] == [(20, 0), (66, 66)]
    assert lots[1].earned_at == datetime(2026, 11, 20, 4, tzinfo=timezone.utc)
    assert lots[1].expires_at == datetime(2027, 11, 20, 16, tzinfo=timezone.utc)  # 2027-11-21 00:00 Shanghai
    kinds = await PointsLedgerEntry.filter(member_id=member.id).order_by("id").values_list("kind", "points")
    assert kinds == [(LedgerKind.EARN, 20), (LedgerKind.EARN, 66), (LedgerKind.EXPIRE, 20)]
    purchase = await Purchase.get(order_id="T-1")
    assert (purchase.member_id, purchase.store_id, purchase.channel) == (member.id, world.store_b.id, "TMALL")
    assert await ChannelOrder.filter(status=ChannelOrderStatus.CLAIMED, member_id=member.id).count() == 2
    after = (await gql(PENDING, {"phone": PHONE}, token=world.tokens["hq_operator"]))["data"]
    assert after["pendingChannelPoints"] == {"phone": PHONE, "points": 0, "orders": []}
    assert await verify_ledgers() == []
    assert await verify_channel_orders() == []


async def test_a_claimed_order_refunded_later_reverses_from_its_member(gql, world):
    token = await make_api_client(world.admin, ["orders:import"])
    await import_orders(gql, token, [order("T-1", PHONE, "80.00", RECENT)])
    member = await make_member(world.brand, world.store_a, phone=PHONE)

    payload = await import_orders(gql, token, [order("T-1", PHONE, "80.00", RECENT, refundedAmount="20.00")])

    assert payload["results"][0]["outcome"] == "DUPLICATE" and payload["results"][0]["pointsReversed"] == 20
    assert await balance_of(member.id) == 60
    assert await verify_ledgers() == []
    assert await verify_channel_orders() == []


async def test_a_pending_order_refunded_before_enrolment_brings_only_what_is_left(gql, world):
    token = await make_api_client(world.admin, ["orders:import"])
    await import_orders(gql, token, [order("T-1", PHONE, "80.00", RECENT)])
    await import_orders(gql, token, [order("T-1", PHONE, "80.00", RECENT, refundedAmount="30.00")])

    member = await make_member(world.brand, world.store_a, phone=PHONE)

    assert await balance_of(member.id) == 50
    purchase = await Purchase.get(order_id="T-1")
    assert (purchase.points_earned, purchase.points_reversed, purchase.refunded_minor) == (80, 30, 30_00)
    assert await verify_ledgers() == []
    assert await verify_channel_orders() == []


async def test_self_enrolment_through_the_api_claims_the_pending_points(gql, world, sender):
    token = await make_api_client(world.admin, ["orders:import"])
    await import_orders(gql, token, [order("T-1", PHONE, "45.00", RECENT)])
    await gql("""mutation($input: RequestMemberCodeInput!) { requestMemberCode(input: $input) { errors { code } } }""",
              {"input": {"brandSlug": "acme", "phone": PHONE}})
    register = """mutation($input: RegisterMemberInput!) { registerMember(input: $input) {
      member { id points } errors { code } } }"""

    body = await gql(register, {"input": {"brandSlug": "acme", "phone": PHONE, "homeStoreId": str(world.store_a.id),
                                          "verificationCode": sender.last_code(PHONE)}})

    assert body["data"]["registerMember"]["member"]["points"] == 45
