"""Concurrent points requests: nobody earns twice, loses points, or reverses a refund twice.

Real concurrent HTTP requests through the app (asyncio.gather over the ASGI client). On
PostgreSQL (CI's second pass) each request runs in its own transaction on its own connection
and they race for the member's account row lock and the unique indexes, which is the case that
matters. On SQLite writers are serialised, so the race is never close there, but the same
outcome must hold. After each race the ledger check finds every account consistent."""

import asyncio
from datetime import datetime, timedelta, timezone

from domain.points import expiry
from domain.points.models import LedgerKind, PointsAccount, PointsLedgerEntry, PointsLot, Purchase, PurchaseRefund
from domain.points.verify import verify_ledgers
from tests.factories import make_member
from tests.points.support import REFUND, error_codes, payload_errors, purchase_input

RECORD = """mutation($input: RecordPurchaseInput!) {
  recordPurchase(input: $input) { pointsEarned balance replayed purchase { id } errors { code field } } }"""


async def fire(gql, token: str, document: str, inputs: list[dict]) -> list[dict]:
    bodies = await asyncio.gather(
        *(gql(document, {"input": input}, token=token, expect_errors=True) for input in inputs)
    )
    # none is a top-level error (no 500, no masked deadlock or unique violation)
    assert [error_codes(b) for b in bodies if b.get("errors")] == []
    return bodies


async def test_a_hundred_replays_of_one_order_earn_once(gql, world):
    # given a POS that sends order o-1 a hundred times at once, for a member who never earned
    inputs = [purchase_input(world, "o-1", "188.80")] * 100

    # when they all land
    bodies = await fire(gql, world.tokens["clerk_a"], RECORD, inputs)

    # then one earned, the other 99 were told it is a replay of the same purchase
    payloads = [b["data"]["recordPurchase"] for b in bodies]
    assert all(p["errors"] == [] and p["pointsEarned"] == 188 for p in payloads)
    assert sorted(p["replayed"] for p in payloads) == [False] + [True] * 99
    assert len({p["purchase"]["id"] for p in payloads}) == 1
    assert await Purchase.filter(order_id="o-1").count() == 1
    assert await PointsLedgerEntry.filter(member_id=world.member_a.id, kind=LedgerKind.EARN).count() == 1
    assert (await PointsAccount.get(member_id=world.member_a.id)).balance == 188
    assert await verify_ledgers() == []


async def test_fifty_concurrent_purchases_on_one_member_all_earn(gql, world):
    # given fifty different orders of 1.00 to 50.00 for one member
    inputs = [purchase_input(world, f"o-{i}", f"{i}.00") for i in range(1, 51)]

    # when they land together
    bodies = await fire(gql, world.tokens["hq_admin"], RECORD, inputs)

    # then every one earned, and the balance is the sum
    payloads = [b["data"]["recordPurchase"] for b in bodies]
    assert all(p["errors"] == [] and p["replayed"] is False for p in payloads)
    assert sum(p["pointsEarned"] for p in payloads) == sum(range(1, 51))
    assert max(p["balance"] for p in payloads) == sum(range(1, 51))
    assert (await PointsAccount.get(member_id=world.member_a.id)).balance == sum(range(1, 51))
    assert await PointsLedgerEntry.filter(member_id=world.member_a.id).count() == 50
    assert await verify_ledgers() == []


async def test_twenty_concurrent_refunds_with_one_refund_id_reverse_once(gql, world):
    # given an order of 100.00 that earned 100 points
    await fire(gql, world.tokens["clerk_a"], RECORD, [purchase_input(world, "o-1", "100.00")])

    # when its store manager's refund of 40.00 is sent twenty times at once
    inputs = [{"orderId": "o-1", "refundId": "r-1", "amount": "40.00"}] * 20
    bodies = await fire(gql, world.tokens["manager_a"], REFUND, inputs)

    # then 40 points came back once
    payloads = [b["data"]["refundPurchase"] for b in bodies]
    assert all(p["errors"] == [] and p["pointsReversed"] == 40 for p in payloads)
    assert sorted(p["replayed"] for p in payloads) == [False] + [True] * 19
    assert await PurchaseRefund.all().count() == 1
    assert await PointsLedgerEntry.filter(kind=LedgerKind.REVERSE).count() == 1
    purchase = await Purchase.get(order_id="o-1")
    assert (purchase.refunded_minor, purchase.points_reversed) == (40_00, 40)
    assert (await PointsAccount.get(member_id=world.member_a.id)).balance == 60
    assert await verify_ledgers() == []


async def test_concurrent_refunds_with_different_ids_never_refund_more_than_the_order(gql, world):
    await fire(gql, world.tokens["clerk_a"], RECORD, [purchase_input(world, "o-1", "100.00")])

    # ten refunds of 30.00 each: only three fit in 100.00
    inputs = [{"orderId": "o-1", "refundId": f"r-{i}", "amount": "30.00"} for i in range(10)]
    bodies = await fire(gql, world.tokens["manager_a"], REFUND, inputs)

    payloads = [b["data"]["refundPurchase"] for b in bodies]
    done = [p for p in payloads if p["errors"] == []]
    assert len(done) == 3
    assert all(payload_errors(p) == [("REFUND_EXCEEDS_PURCHASE", "amount")] for p in payloads if p not in done)
    assert (await Purchase.get(order_id="o-1")).refunded_minor == 90_00
    assert (await PointsAccount.get(member_id=world.member_a.id)).balance == 10
    assert await verify_ledgers() == []


async def test_five_concurrent_expiry_runs_expire_each_lot_once(gql, world):
    # given twelve members with lots earned two years ago (12-month rolling expiry) and one recent lot each
    long_ago = (datetime.now(timezone.utc) - timedelta(days=730)).isoformat()
    members = [world.member_a, world.member_b] + [await make_member(world.brand, world.store_a) for _ in range(10)]
    inputs = [purchase_input(world, f"old-{m.id}", "70.00", member=m, occurredAt=long_ago) for m in members]
    inputs += [purchase_input(world, f"new-{m.id}", "5.00", member=m) for m in members]
    await fire(gql, world.tokens["hq_admin"], RECORD, inputs)
    now = datetime.now(timezone.utc)

    # when five expiry jobs run at once
    runs = await asyncio.gather(*(expiry.expire_due_lots(now) for _ in range(5)))

    # then the old lots expired once between them, and the recent ones are untouched
    assert sum(runs) == 70 * len(members)
    assert await PointsLedgerEntry.filter(kind=LedgerKind.EXPIRE).count() == len(members)
    assert await PointsLot.filter(remaining__gt=0, expires_at__lte=now).count() == 0
    balances = await PointsAccount.filter(brand_id=world.brand.id).values_list("balance", flat=True)
    assert sorted(balances) == [5] * len(members)
    assert await expiry.expire_due_lots(now) == 0
    assert await verify_ledgers() == []
