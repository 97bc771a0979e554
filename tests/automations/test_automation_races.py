"""Concurrent runs on PostgreSQL: workers racing over the same members fire once per member
(the firing's UNIQUE key decides), and grants never pass the approved budget (the
automation's row lock orders them). Real concurrent calls of the service, each in its own
transactions on its own connections."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from domain.automations.models import Automation, AutomationAction as A, AutomationFiring
from domain.automations.runner import run_automations
from domain.coupons.models import Coupon
from domain.points.models import LedgerKind, PointsLedgerEntry
from domain.points.verify import verify_ledgers
from tests.automations.support import NOW, coupon_template, make_automation, registered
from tests.conftest import requires_postgres
from tests.factories import hq, make_member

pytestmark = requires_postgres
MEMBERS = 24
WORKERS = 4


async def dormant_members(world) -> list:
    for member in (world.member_a, world.member_b):
        await registered(member, NOW - timedelta(days=1))  # too new to be dormant
    members = []
    for i in range(MEMBERS):
        member = await make_member(world.brand, world.store_a if i % 2 else world.store_b, name=f"M{i}")
        await registered(member, NOW - timedelta(days=200))
        members.append(member)
    return members


async def race(world, automation_id: int):
    # small batches, so the workers interleave member by member
    return await asyncio.gather(*(run_automations(hq(world.admin), automation_id=automation_id, now=NOW,
                                                  batch_size=5) for _ in range(WORKERS)))


async def test_concurrent_runs_fire_once_per_member(world):
    members = await dormant_members(world)
    template = await coupon_template(world)
    automation = await make_automation(world, action=A.ISSUE_COUPON, coupon_template_id=template)

    results = await race(world, automation.id)

    assert sum(run.fired for [run] in results) == MEMBERS
    assert sorted(await Coupon.filter(template_id=template).values_list("member_id", flat=True)) == \
        sorted(m.id for m in members)
    assert await AutomationFiring.filter(automation_id=automation.id).count() == MEMBERS


async def test_concurrent_grants_never_pass_the_budget(world):
    await dormant_members(world)
    automation = await make_automation(world, action=A.GRANT_POINTS, points=7, points_budget=100)

    results = await race(world, automation.id)

    # 14 grants of 7 fit in 100; the 15th would make 105
    assert sum(run.fired for [run] in results) == 14
    assert {run.blocked for [run] in results} == {"BUDGET_EXHAUSTED"}
    assert (await Automation.get(id=automation.id)).points_granted == 98
    grants = await PointsLedgerEntry.filter(kind=LedgerKind.REWARD).values_list("member_id", "points")
    assert len(grants) == 14 and len({m for m, _ in grants}) == 14 and sum(p for _, p in grants) == 98
    assert await AutomationFiring.filter(automation_id=automation.id).count() == 14
    assert await verify_ledgers(world.brand.id) == []
