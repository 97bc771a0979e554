"""Check-in: once per local day, the rule's points, a streak bonus, optionally at a store,
growth value in GROWTH tier mode."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone

from domain.engagement import checkin
from domain.engagement.models import CheckIn
from domain.points.models import LedgerKind, PointsLedgerEntry
from domain.points.verify import verify_ledgers
from domain.tiers import service as tiers
from domain.tiers.models import MemberTier, TierMode
from policies import Principal
from tests.conftest import requires_postgres
from tests.engagement.support import CHECK_IN, earn_by_activities
from tests.factories import hq
from tests.points.support import balance_of, error_codes


async def test_a_member_checks_in_once_a_day(gql, world):
    await earn_by_activities(world)
    token = world.tokens["member"]

    first = (await gql(CHECK_IN, {"input": {"storeId": str(world.store_b.id)}}, token=token))["data"]["checkIn"]
    second = (await gql(CHECK_IN, token=token))["data"]["checkIn"]

    assert first["errors"] == [] and first["alreadyCheckedIn"] is False
    assert first["checkIn"]["points"] == 5 and first["checkIn"]["streak"] == 1
    assert first["checkIn"]["store"] == {"code": "B"}
    assert second["alreadyCheckedIn"] is True and second["checkIn"] == first["checkIn"]
    assert await balance_of(world.member_a) == 5
    entry = await PointsLedgerEntry.get(member_id=world.member_a.id)
    assert (entry.kind, entry.store_id) == (LedgerKind.ACTIVITY, world.store_b.id)


async def test_the_day_is_the_brands_local_day(world):
    # Shanghai: 2026-11-20 23:59 and 2026-11-21 00:01 local are two days; 15:59 and 16:01 UTC
    await earn_by_activities(world)
    member = Principal.member(member_id=world.member_a.id, brand_id=world.brand.id)
    late = datetime(2026, 11, 20, 15, 59, tzinfo=timezone.utc)

    results = [await checkin.check_in(member, now=late + timedelta(minutes=m)) for m in (0, 1, 2)]

    assert [r.replayed for r in results] == [False, False, True]
    assert [str(r.check_in.day) for r in results] == ["2026-11-20", "2026-11-21", "2026-11-21"]
    assert results[1].check_in.streak == 2


async def test_the_streak_bonus_comes_on_every_seventh_day_in_a_row(world):
    await earn_by_activities(world, streak_bonus=30, streak_days=7)
    member = Principal.member(member_id=world.member_a.id, brand_id=world.brand.id)
    start = datetime(2026, 11, 1, 2, tzinfo=timezone.utc)

    days = [await checkin.check_in(member, now=start + timedelta(days=d)) for d in range(8)]
    after_gap = await checkin.check_in(member, now=start + timedelta(days=10))

    assert [d.check_in.streak for d in days] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [d.check_in.bonus for d in days] == [0] * 6 + [30, 0]
    assert after_gap.check_in.streak == 1
    assert await balance_of(world.member_a) == 9 * 5 + 30
    assert await verify_ledgers() == []


async def test_check_in_adds_growth_value_in_growth_mode(world):
    await earn_by_activities(world)
    await tiers.update_tier_program(hq(world.admin), mode=TierMode.GROWTH, evaluation_months=12, levels=[
        tiers.Level(1, "Silver", 0), tiers.Level(2, "Gold", 10, welcome_points=7), tiers.Level(3, "Black", 1000)])
    member = Principal.member(member_id=world.member_a.id, brand_id=world.brand.id)
    start = datetime(2026, 11, 1, 2, tzinfo=timezone.utc)

    for d in range(2):
        await checkin.check_in(member, now=start + timedelta(days=d))

    standing = await MemberTier.get(member_id=world.member_a.id)
    assert (standing.qualifying, standing.level) == (10, 2)
    assert await balance_of(world.member_a) == 10 + 7  # two check-ins and Gold's welcome points


async def test_staff_and_partners_cannot_check_in(gql, world):
    for caller in ("clerk_a", "hq_admin", "partner", "other_admin"):
        body = await gql(CHECK_IN, token=world.tokens[caller], expect_errors=True)
        assert error_codes(body) == ["FORBIDDEN"], caller
    body = await gql(CHECK_IN, expect_errors=True)
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert await CheckIn.all().count() == 0


@requires_postgres
async def test_twenty_concurrent_check_ins_by_one_member_on_one_day_credit_once(gql, world):
    await earn_by_activities(world)

    bodies = await asyncio.gather(*(gql(CHECK_IN, token=world.tokens["member"], expect_errors=True)
                                    for _ in range(20)))

    assert [error_codes(b) for b in bodies if b.get("errors")] == []
    payloads = [b["data"]["checkIn"] for b in bodies]
    assert sorted(p["alreadyCheckedIn"] for p in payloads) == [False] + [True] * 19
    assert await CheckIn.all().count() == 1
    assert await PointsLedgerEntry.filter(member_id=world.member_a.id).count() == 1
    assert await balance_of(world.member_a) == 5
    assert await verify_ledgers() == []
