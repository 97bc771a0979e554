"""Concurrent redemptions and verifications through the GraphQL app on PostgreSQL: stock never
below zero, points never spent twice, a pickup collected once.

Real concurrent HTTP requests (asyncio.gather over the ASGI client), each in its own
transaction on its own pooled connection, racing for the member's account lock, the item's
row (the conditional stock UPDATE) and the redemption's state. Concurrency is bounded below
the test pool (60), so requests queue for connections rather than time out."""

import asyncio
import time
from datetime import UTC, datetime, timedelta

import pytest
from tortoise.exceptions import IntegrityError

from domain.mall.models import MallItem, MallRedemption, MallStockMovement, RedemptionState
from domain.points.models import PointsAccount
from policies import Role
from tests.conftest import requires_postgres
from tests.factories import make_staff
from tests.mall.support import (
    REDEEM, VERIFY, all_consistent, balance_of, bulk_members_with_points, error_codes, give_points, member_token,
    redeem, upsert_item,
)

CONCURRENCY = 40


async def _bounded(calls):
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(call):
        async with gate:
            return await call()

    return await asyncio.gather(*(one(c) for c in calls))


def _redeem_call(gql, token, item_id, key):
    return lambda: gql(REDEEM, {"input": {"itemId": item_id, "idempotencyKey": key, "quantity": 1}},
                       token=token, expect_errors=True)


@requires_postgres
async def test_two_hundred_members_redeeming_a_stock_of_twenty_leave_exactly_twenty_winners(gql, world, tokens):
    # given 200 members with 100 points each and an item of 10 points with 20 in stock
    members = await bulk_members_with_points(world, 200, 100, datetime.now(UTC) + timedelta(days=365))
    item = await upsert_item(gql, world, stock=20)
    member_tokens = {m.id: member_token(tokens, m) for m in members}

    # when they all redeem at once
    started = time.perf_counter()
    bodies = await _bounded([_redeem_call(gql, member_tokens[m.id], item["id"], f"r-{m.id}") for m in members])
    elapsed = time.perf_counter() - started

    # then no request failed, exactly 20 won, the other 180 were told OUT_OF_STOCK
    assert [error_codes(b) for b in bodies if b.get("errors")] == []
    payloads = [b["data"]["redeemMallItem"] for b in bodies]
    winners = [p for p in payloads if p["errors"] == []]
    assert len(winners) == 20
    assert all([(e["code"]) for e in p["errors"]] == ["OUT_OF_STOCK"] for p in payloads if p not in winners)
    # stock 0, never negative; 20 REDEEM movements; every loser keeps its 100 points
    assert (await MallItem.get(id=int(item["id"]))).stock == 0
    assert await MallStockMovement.filter(item_id=int(item["id"]), delta=-1).count() == 20
    balances = sorted(await PointsAccount.filter(member_id__in=[m.id for m in members])
                      .values_list("balance", flat=True))
    assert balances == [90] * 20 + [100] * 180
    assert len({p["redemption"]["verificationCode"] for p in winners}) == 20
    await all_consistent()
    print(f"\n200 concurrent redemptions of a hot item (stock 20): {elapsed:.2f} s")


@requires_postgres
async def test_one_member_with_100_points_firing_30_redemptions_of_a_10_point_item_wins_10(gql, world):
    # given member A with 100 points and an unlimited 10-point item
    await _points(world, 100)
    item = await upsert_item(gql, world)

    # when thirty redemptions with different keys land together
    bodies = await _bounded([_redeem_call(gql, world.tokens["member"], item["id"], f"r-{i}") for i in range(30)])

    # then exactly ten took points, the rest were INSUFFICIENT_POINTS, the balance is 0, not below
    assert [error_codes(b) for b in bodies if b.get("errors")] == []
    payloads = [b["data"]["redeemMallItem"] for b in bodies]
    winners = [p for p in payloads if p["errors"] == []]
    assert len(winners) == 10
    assert all(p["errors"][0]["code"] == "INSUFFICIENT_POINTS" for p in payloads if p not in winners)
    assert await balance_of(world.member_a) == 0
    assert await MallRedemption.filter(member_id=world.member_a.id).count() == 10
    await all_consistent()


@requires_postgres
async def test_thirty_replays_of_one_key_redeem_once(gql, world):
    await _points(world, 100)
    item = await upsert_item(gql, world, stock=5)

    bodies = await _bounded([_redeem_call(gql, world.tokens["member"], item["id"], "same") for _ in range(30)])

    payloads = [b["data"]["redeemMallItem"] for b in bodies]
    assert all(p["errors"] == [] for p in payloads)
    assert sorted(p["replayed"] for p in payloads) == [False] + [True] * 29
    assert len({p["redemption"]["id"] for p in payloads}) == 1
    assert await balance_of(world.member_a) == 90
    assert (await MallItem.get(id=int(item["id"]))).stock == 4


@requires_postgres
async def test_two_clerks_verifying_one_code_at_once_one_wins_the_other_is_already_verified(gql, world, tokens):
    # given a second clerk at store A and ten pending pickups
    await _points(world, 100)
    other_clerk = await make_staff(world.admin, Role.STORE_CLERK, world.store_a)
    clerks = [world.tokens["clerk_a"], tokens.issue(kind="staff", subject_id=other_clerk.id, brand_id=world.brand.id)]
    item = await upsert_item(gql, world, points=1)
    codes = [(await redeem(gql, world.tokens["member"], item["id"], f"r-{i}"))["redemption"]["verificationCode"]
             for i in range(10)]

    for code in codes:
        # when both clerks verify the code at the same moment
        bodies = await asyncio.gather(*(gql(VERIFY, {"input": {"code": code}}, token=t, expect_errors=True)
                                        for t in clerks))

        # then one collected it and the other was told ALREADY_VERIFIED
        assert [error_codes(b) for b in bodies if b.get("errors")] == []
        outcomes = sorted(tuple(e["code"] for e in b["data"]["verifyRedemption"]["errors"]) for b in bodies)
        assert outcomes == [(), ("ALREADY_VERIFIED",)]
    assert await MallRedemption.filter(state=RedemptionState.COLLECTED).count() == 10


@requires_postgres
async def test_cancel_and_verify_at_once_do_one_or_the_other(gql, world):
    await _points(world, 100)
    item = await upsert_item(gql, world, stock=10)
    pickups = [(await redeem(gql, world.tokens["member"], item["id"], f"r-{i}"))["redemption"] for i in range(5)]

    for pickup in pickups:
        await asyncio.gather(
            gql(VERIFY, {"input": {"code": pickup["verificationCode"]}}, token=world.tokens["clerk_a"]),
            gql("mutation($id: ID!) { cancelRedemption(input: {redemptionId: $id}) { errors { code } } }",
                {"id": pickup["id"]}, token=world.tokens["member"]),
        )

    states = await MallRedemption.filter(item_id=int(item["id"])).values_list("state", flat=True)
    cancelled = sum(1 for s in states if s is RedemptionState.CANCELLED)
    assert len(states) == 5 and all(s in (RedemptionState.CANCELLED, RedemptionState.COLLECTED) for s in states)
    assert await balance_of(world.member_a) == 100 - 10 * (5 - cancelled)
    assert (await MallItem.get(id=int(item["id"]))).stock == 10 - (5 - cancelled)
    await all_consistent()


async def _points(world, amount: int) -> None:
    await give_points(world, world.member_a, f"{amount}.00", "seed")


@requires_postgres
async def test_postgresql_refuses_a_negative_stock(gql, world):
    item = await upsert_item(gql, world, stock=1)

    with pytest.raises(IntegrityError):
        await MallItem.filter(id=int(item["id"])).update(stock=-1)
