"""Points as cash (积分抵现): HQ's rate and share, soonest lots first, refunds restore the lots."""

import asyncio
from datetime import datetime, timezone

import pytest

from domain.points import adjustments, payments
from domain.points.models import PointsLot
from domain.points.verify import verify_ledgers
from tests.factories import hq, make_api_client

PAY = """mutation($member: ID!, $store: ID!, $order: String!, $amount: Decimal!, $points: Int!) {
  payWithPoints(input: {memberId: $member, storeId: $store, orderId: $order, orderAmount: $amount, points: $points}) {
    amountOff pointsUsed balance replayed errors { code field } } }"""
REFUND = """mutation($order: String!) { refundPointsPayment(input: {orderId: $order}) {
  pointsReturned balance replayed errors { code } } }"""
T0 = datetime(2026, 5, 1, tzinfo=timezone.utc)


async def give(world, points, *, at=T0, key="grant"):
    await adjustments.adjust_points(hq(world.admin), member_id=world.member_a.id, delta=points,
                                    reason="test grant", idempotency_key=key, now=at)


def pay_vars(world, order="o-1", amount="100", points=1000):
    return {"member": world.member_a.id, "store": world.store_a.id, "order": order, "amount": amount, "points": points}


async def test_points_take_money_off_at_hqs_rate_once_per_order(gql, world):
    await give(world, 5000)

    first = await gql(PAY, pay_vars(world), token=world.tokens["clerk_a"])
    again = await gql(PAY, pay_vars(world), token=world.tokens["clerk_a"])

    assert first["data"]["payWithPoints"] == {"amountOff": "10.00", "pointsUsed": 1000, "balance": 4000,
                                              "replayed": False, "errors": []}
    assert again["data"]["payWithPoints"]["replayed"] is True
    assert again["data"]["payWithPoints"]["balance"] == 4000


@pytest.mark.parametrize(
    "points,amount,code",
    [(6000, "100", "EXCEEDS_MAX_SHARE"), (50, "100", "BELOW_MINIMUM"), (150, "100", "INVALID_POINTS_STEP"),
     (9000, "1000", "INSUFFICIENT_POINTS")],
    ids=["over-half-the-order", "below-minimum", "not-a-step", "more-than-the-balance"],
)
async def test_points_payment_rules_refuse_and_change_nothing(gql, world, points, amount, code):
    await give(world, 5000)

    body = await gql(PAY, pay_vars(world, amount=amount, points=points), token=world.tokens["clerk_a"])

    assert body["data"]["payWithPoints"]["errors"][0]["code"] == code
    assert sum(lot.remaining for lot in await PointsLot.filter(member_id=world.member_a.id)) == 5000


async def test_soonest_expiring_points_pay_first_and_a_refund_returns_them_with_their_dates(gql, world):
    await give(world, 1000, at=datetime(2026, 1, 1, tzinfo=timezone.utc), key="old")
    await give(world, 1000, at=T0, key="new")
    older, newer = await PointsLot.filter(member_id=world.member_a.id).order_by("expires_at")

    await gql(PAY, pay_vars(world, points=1500), token=world.tokens["clerk_a"])
    await older.refresh_from_db()
    await newer.refresh_from_db()
    assert (older.remaining, newer.remaining) == (0, 500)

    refund = await gql(REFUND, {"order": "o-1"}, token=world.tokens["manager_a"])
    twice = await gql(REFUND, {"order": "o-1"}, token=world.tokens["manager_a"])

    assert refund["data"]["refundPointsPayment"] == {"pointsReturned": 1500, "balance": 2000, "replayed": False, "errors": []}
    assert twice["data"]["refundPointsPayment"]["replayed"] is True
    await older.refresh_from_db()
    await newer.refresh_from_db()
    assert (older.remaining, newer.remaining) == (1000, 1000)
    assert await verify_ledgers() == []


async def test_who_may_pay_with_points(gql, world):
    await give(world, 5000)
    redeemer = await make_api_client(world.admin, ["points:redeem"])
    earner = await make_api_client(world.admin, ["points:earn"])

    allowed = {"clerk_a": "o-1", "manager_a": "o-2", "hq_operator": "o-3", "hq_admin": "o-4"}
    for caller, order in allowed.items():
        body = await gql(PAY, pay_vars(world, order=order), token=world.tokens[caller])
        assert body["data"]["payWithPoints"]["errors"] == [], caller
    assert (await gql(PAY, pay_vars(world, order="o-5"), token=redeemer))["data"]["payWithPoints"]["errors"] == []

    denied = {"manager_b": "FORBIDDEN", "member": "FORBIDDEN", "anonymous": "UNAUTHENTICATED", "other_admin": None}
    for caller, code in denied.items():
        body = await gql(PAY, pay_vars(world, order=f"x-{caller}"), token=world.tokens[caller], expect_errors=True)
        if code:
            assert body["errors"][0]["extensions"]["code"] == code, caller
        else:  # another brand's admin: the store is not found in its brand
            assert body["data"]["payWithPoints"]["errors"][0]["code"] == "STORE_NOT_FOUND"
    body = await gql(PAY, pay_vars(world, order="x-earner"), token=earner, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    clerk_refund = await gql(REFUND, {"order": "o-1"}, token=world.tokens["clerk_a"], expect_errors=True)
    assert clerk_refund["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert sum(lot.remaining for lot in await PointsLot.filter(member_id=world.member_a.id)) == 0


async def test_thirty_concurrent_payments_when_the_balance_covers_ten(gql, world):
    await give(world, 1000)

    bodies = await asyncio.gather(*(
        gql(PAY, pay_vars(world, order=f"o-{i}", points=100), token=world.tokens["clerk_a"]) for i in range(30)
    ))

    results = [b["data"]["payWithPoints"] for b in bodies]
    assert sum(1 for r in results if not r["errors"]) == 10
    assert {r["errors"][0]["code"] for r in results if r["errors"]} == {"INSUFFICIENT_POINTS"}
    assert sum(lot.remaining for lot in await PointsLot.filter(member_id=world.member_a.id)) == 0
    assert await verify_ledgers() == []


async def test_estimate_of_what_points_can_take_off():
    from domain.points.models import PointsRules

    rules = PointsRules(redeem_enabled=True, redeem_points=100, redeem_value_minor=100,
                        redeem_max_share_percent=50, redeem_min_points=100)
    # 100 yuan order: at most 50 yuan = 5,000 points; a 1,234-point balance pays 1,200
    assert payments.most_points_for(rules, 1234, 10_000) == 1200
    assert payments.most_points_for(rules, 99_999, 10_000) == 5000
    assert payments.most_points_for(rules, 99, 10_000) == 0


async def test_estimate_says_what_the_order_earns_and_what_the_points_can_take_off(gql, world):
    await give(world, 1234)
    query = """query($member: ID!, $store: ID!) {
      estimatePoints(memberId: $member, storeId: $store, amount: "100") { points pointsUsable amountOff } }"""

    body = await gql(query, {"member": world.member_a.id, "store": world.store_a.id}, token=world.tokens["member"])

    assert body["data"]["estimatePoints"] == {"points": 100, "pointsUsable": 1200, "amountOff": "12.00"}
