"""With a controlled clock: an automation fires at most once per member per period, on every
run of the period, and again in the next period; a dry run changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from domain.automations.models import AutomationFiring, AutomationPeriod
from domain.automations.runner import run_automations, run_due_automations
from domain.members.models import MemberTag, TagKind
from tests.automations.support import NOW, dormant_world, make_automation, operator, rows
from tests.factories import hq


async def test_a_dormant_member_is_hit_once_per_period_not_on_every_run(world):
    await dormant_world(world)
    automation = await make_automation(world, period=AutomationPeriod.MONTHLY)

    runs = [await run_due_automations(NOW + timedelta(hours=h)) for h in (0, 1, 5, 24 * 3)]

    assert runs == [1, 0, 0, 0]
    firings = await AutomationFiring.filter(automation_id=automation.id).values_list("member_id", "period_key")
    assert firings == [(world.member_a.id, "2027-01")]
    assert await MemberTag.filter(tag="win-back").values_list("member_id", "kind", "created_by", "store_id") == [
        (world.member_a.id, TagKind.AUTOMATION, f"automation:{automation.id}", None)]


async def test_a_still_dormant_member_is_hit_again_in_the_next_period(world):
    await dormant_world(world)
    automation = await make_automation(world, period=AutomationPeriod.MONTHLY)

    # 16 January local, then 1 February 00:30 local (31 January 16:30 UTC): a new month.
    first = await run_automations(await operator(world), now=NOW + timedelta(days=1))
    second = await run_automations(await operator(world), now=NOW + timedelta(days=16, hours=14, minutes=30))

    # member_b's purchase is 21 days old on 1 February: still active.
    assert [(r.fired, r.period_key) for r in first + second] == [(1, "2027-01"), (1, "2027-02")]
    keys = await AutomationFiring.filter(automation_id=automation.id).order_by("id").values_list(
        "member_id", "period_key")
    assert keys == [(world.member_a.id, "2027-01"), (world.member_a.id, "2027-02")]


async def test_every_n_days_and_once_periods(world):
    await dormant_world(world)
    every_ten = await make_automation(world, name="ten", period=AutomationPeriod.EVERY_N_DAYS, period_days=10)
    once = await make_automation(world, name="once", period=AutomationPeriod.ONCE, tag="dormant-once")

    fired = [sum(r.fired for r in await run_automations(hq(world.admin), now=NOW + timedelta(days=d)))
             for d in range(0, 30)]

    assert fired[0] == 2  # both automations hit member_a on the first day
    per_automation = {a.id: await AutomationFiring.filter(automation_id=a.id, member_id=world.member_a.id).count()
                      for a in (every_ten, once)}
    # periods of ten days are aligned blocks of brand-local days: 30 days touch 3 or 4 of them
    blocks = {(date(2027, 1, 15) + timedelta(days=d)).toordinal() // 10 for d in range(30)}
    assert per_automation == {every_ten.id: len(blocks), once.id: 1}
    # member_b turns dormant on day 25 (30 days after its purchase): once, and in its block
    assert await AutomationFiring.filter(member_id=world.member_b.id).count() == 2


async def test_a_dry_run_counts_and_samples_but_changes_nothing(world):
    await dormant_world(world)
    automation = await make_automation(world)
    before = await rows()

    [run] = await run_automations(await operator(world), automation_id=automation.id, dry_run=True, now=NOW)

    assert (run.dry_run, run.candidates, run.fired) == (True, 1, 0)
    assert [(s.member_id, s.name) for s in run.sample] == [(world.member_a.id, "Han Meimei")]
    assert "****" in run.sample[0].masked_phone and world.member_a.phone not in run.sample[0].masked_phone
    assert await rows() == before
