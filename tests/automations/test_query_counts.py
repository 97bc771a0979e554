"""Candidate selection is set-based: a dry run costs the same few statements for 3 members as
for 40, and a real run's statements grow with the members it fires (one small transaction
each), never with the brand's size."""

from __future__ import annotations

from datetime import timedelta

from domain.automations.models import AutomationAction
from domain.automations.runner import run_automations
from domain.members.models import Member
from tests.automations.support import NOW, make_automation, registered
from tests.factories import hq, make_member


async def dormant(world, count: int) -> None:
    for i in range(count):
        await make_member(world.brand, world.store_a, name=f"D{i}")
    await Member.filter(brand_id=world.brand.id).update(created_at=NOW - timedelta(days=400))


async def dry_run_statements(world, count_queries, automation_id: int) -> tuple[int, int]:
    with count_queries() as counter:
        [run] = await run_automations(hq(world.admin), automation_id=automation_id, dry_run=True, now=NOW)
    return counter.count, run.candidates


async def test_a_dry_run_costs_the_same_statements_whatever_the_members(world, count_queries):
    notify = await make_automation(world, action=AutomationAction.NOTIFY, message="Hi {name}")
    tagging = await make_automation(world, name="tag")
    few = [await dry_run_statements(world, count_queries, a.id) for a in (notify, tagging)]
    await dormant(world, 40)
    many = [await dry_run_statements(world, count_queries, a.id) for a in (notify, tagging)]

    assert [n for n, _ in few] == [n for n, _ in many]
    assert [c for _, c in many] == [42, 42]  # member_a, member_b and 40 more


async def test_a_run_does_not_read_members_who_are_not_hit(world, count_queries):
    await registered(world.member_a, NOW - timedelta(days=400))  # dormant
    await registered(world.member_b, NOW)  # just joined: not dormant
    first = await make_automation(world, name="first")
    with count_queries() as small:
        [one] = await run_automations(hq(world.admin), automation_id=first.id, now=NOW)
    for _ in range(30):  # 30 more members who just joined: not dormant
        await registered(await make_member(world.brand, world.store_a), NOW)
    second = await make_automation(world, name="second")
    with count_queries() as big:
        [other] = await run_automations(hq(world.admin), automation_id=second.id, now=NOW)

    assert one.fired == other.fired == 1
    assert small.count == big.count  # the 30 members never reach Python
