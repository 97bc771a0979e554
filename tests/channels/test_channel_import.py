"""Channel order import: a 1,000-order batch with duplicates, refunds, matched and unmatched
phones gives the right per-order results and balances; the same batch twice changes nothing
the second time; re-sent refunds reverse as refundPurchase does."""

from __future__ import annotations

from datetime import datetime, timezone

from domain.channels.models import ChannelOrder, ChannelOrderStatus
from domain.points.models import LedgerKind, PointsLedgerEntry, Purchase
from domain.channels.verify import verify_channel_orders
from domain.points.verify import verify_ledgers
from tests.channels.support import balance_of, import_orders, order, snapshot
from tests.factories import make_api_client, make_member


def phone(n: int) -> str:
    return f"+86139{n:08d}"


async def test_a_thousand_order_batch_gives_per_order_results_and_balances(gql, world):
    # given ten members, a partner, and two orders this channel already imported
    members = [await make_member(world.brand, world.store_a, phone=phone(i)) for i in range(10)]
    token = await make_api_client(world.admin, ["orders:import"])
    earlier = [order("T-0", phone(0), "10.00"), order("T-1", phone(1), "10.00")]
    assert (await import_orders(gql, token, earlier))["accepted"] == 2

    # and a batch of 1,000: 2 known orders, 600 of members (6 of each member's half refunded),
    # 380 of 38 unknown phones, 10 repeats of lines in the same batch, 8 unreadable lines
    orders = earlier[:]
    for n in range(600):
        refunded = {"refundedAmount": "10.00"} if n // 10 % 10 == 0 else {}
        orders.append(order(f"M-{n}", phone(n % 10), "20.00", storeId=str(world.store_b.id), **refunded))
    orders += [order(f"U-{n}", phone(100 + n % 38), "30.50") for n in range(380)]
    orders += [order(f"M-{n}", phone(n % 10), "20.00", storeId=str(world.store_b.id)) for n in range(11, 21)]
    orders += [order(f"BAD-{n}", "not a phone", "5.00") for n in range(4)]
    orders += [order(f"NEG-{n}", phone(0), "-5.00") for n in range(2)]
    orders += [order("OVER", phone(0), "5.00", refundedAmount="6.00"), order("", phone(0), "5.00")]
    assert len(orders) == 1000

    # when it is imported
    payload = await import_orders(gql, token, orders)

    # then each order has its result, in order
    assert payload["errors"] == []
    assert (payload["accepted"], payload["duplicates"], payload["pending"], payload["rejected"]) == (600, 12, 380, 8)
    results = payload["results"]
    assert [r["index"] for r in results] == list(range(1000))
    assert {r["outcome"] for r in results[:2]} == {"DUPLICATE"}
    assert results[2] == {"index": 2, "externalId": "M-0", "outcome": "ACCEPTED", "points": 20,
                          "pointsReversed": 10, "error": None}
    assert results[12]["externalId"] == "M-10" and results[12]["pointsReversed"] == 0
    assert {(r["outcome"], r["points"]) for r in results[602:982]} == {("PENDING_MEMBER", 30)}
    assert {r["outcome"] for r in results[982:992]} == {"DUPLICATE"}
    assert [r["error"]["code"] for r in results[992:]] == (
        ["INVALID_PHONE"] * 4 + ["INVALID_AMOUNT"] * 2 + ["REFUND_EXCEEDS_ORDER", "REQUIRED"])
    # and each member earned 60 orders x 20 points, less 6 half refunds x 10, plus its earlier 10
    for i, member in enumerate(members):
        assert await balance_of(member.id) == 60 * 20 - 6 * 10 + (10 if i < 2 else 0)
    assert await Purchase.filter(brand_id=world.brand.id, channel="TMALL", store_id=world.store_b.id).count() == 600
    assert await ChannelOrder.filter(status=ChannelOrderStatus.PENDING).count() == 380
    assert await verify_ledgers() == []
    assert await verify_channel_orders() == []

    # when the same batch is sent again, nothing changes
    before = await snapshot()
    again = await import_orders(gql, token, orders)
    assert (again["accepted"], again["duplicates"], again["pending"], again["rejected"]) == (0, 992, 0, 8)
    assert await snapshot() == before


async def test_matched_phone_earns_at_once_at_its_home_store_by_the_same_rules(gql, world):
    token = await make_api_client(world.admin, ["orders:import"])

    payload = await import_orders(gql, token, [order("J-1", world.member_b.phone, "88.80")], channel="JD")

    assert payload["results"][0]["outcome"] == "ACCEPTED" and payload["results"][0]["points"] == 88
    purchase = await Purchase.get(order_id="J-1")
    assert (purchase.channel, purchase.store_id, purchase.member_id) == ("JD", world.store_b.id, world.member_b.id)
    assert purchase.occurred_at == datetime(2026, 11, 20, 4, tzinfo=timezone.utc)
    entry = await PointsLedgerEntry.get(purchase_id=purchase.id)
    assert (entry.kind, entry.points, entry.store_id) == (LedgerKind.EARN, 88, world.store_b.id)


async def test_resent_order_with_a_refund_reverses_points_as_refund_purchase_does(gql, world):
    # given an accepted order of 100.00 (100 points) and a pending one of 50.00
    token = await make_api_client(world.admin, ["orders:import"])
    await import_orders(gql, token, [order("T-1", world.member_a.phone, "100.00"), order("T-2", phone(7), "50.00")])

    # when both are re-sent with 40.00, then 100.00 / 50.00 refunded
    first = await import_orders(gql, token, [order("T-1", world.member_a.phone, "100.00", refundedAmount="40.00"),
                                             order("T-2", phone(7), "50.00", refundedAmount="40.00")])
    second = await import_orders(gql, token, [order("T-1", world.member_a.phone, "100.00", refundedAmount="100.00"),
                                              order("T-2", phone(7), "50.00", refundedAmount="50.00")])
    replay = await import_orders(gql, token, [order("T-1", world.member_a.phone, "100.00", refundedAmount="100.00")])

    # then each reports DUPLICATE with the points its new refund took back
    assert [(r["outcome"], r["pointsReversed"]) for r in first["results"]] == [("DUPLICATE", 40), ("DUPLICATE", 40)]
    assert [(r["outcome"], r["pointsReversed"]) for r in second["results"]] == [("DUPLICATE", 60), ("DUPLICATE", 10)]
    assert replay["results"][0]["pointsReversed"] == 0
    purchase = await Purchase.get(order_id="T-1")
    assert (purchase.refunded_minor, purchase.points_reversed) == (100_00, 100)
    assert await balance_of(world.member_a.id) == 0
    pending = await ChannelOrder.get(external_id="T-2")
    assert (pending.pending_earned, pending.pending_reversed) == (50, 50)
    assert await verify_ledgers() == []
    assert await verify_channel_orders() == []


async def test_an_order_changed_in_amount_or_phone_is_rejected_as_a_conflict(gql, world):
    token = await make_api_client(world.admin, ["orders:import"])
    await import_orders(gql, token, [order("T-1", world.member_a.phone, "100.00")])
    before = await snapshot()

    payload = await import_orders(gql, token, [order("T-1", world.member_a.phone, "99.00"),
                                               order("T-1", world.member_b.phone, "100.00")])

    assert [r["error"]["code"] for r in payload["results"]] == ["ORDER_CONFLICT", "ORDER_CONFLICT"]
    assert await snapshot() == before


async def test_the_same_external_id_on_another_channel_is_another_order(gql, world):
    token = await make_api_client(world.admin, ["orders:import"])

    tmall = await import_orders(gql, token, [order("X-1", world.member_a.phone, "10.00")], channel="TMALL")
    douyin = await import_orders(gql, token, [order("X-1", world.member_a.phone, "10.00")], channel="DOUYIN")

    assert tmall["accepted"] == douyin["accepted"] == 1
    assert await balance_of(world.member_a.id) == 20


async def test_more_than_a_thousand_orders_are_refused_whole(gql, world):
    token = await make_api_client(world.admin, ["orders:import"])

    payload = await import_orders(gql, token, [order(f"T-{n}", phone(n), "1.00") for n in range(1001)])

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("TOO_MANY_ORDERS", "orders")]
    assert await ChannelOrder.all().count() == 0
