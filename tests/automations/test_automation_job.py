"""The hourly automations job on taskiq: every active automation of every brand, once per
member and period however often it runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.automations.models import AutomationTrigger
from domain.members.models import MemberTag
from server import jobs
from tests.automations.support import make_automation, registered
from tests.factories import hq


async def _kick(broker, name: str) -> int:
    handle = await broker.find_task(name).kiq()
    result = await handle.wait_result(timeout=30)
    assert not result.is_err, result.error
    return result.return_value


async def test_the_job_runs_every_brands_active_automations_once_per_period(world):
    # the job runs at the wall clock: members who joined two days ago and never bought
    for member in (world.member_a, world.other_member):
        await registered(member, datetime.now(UTC) - timedelta(days=2))
    await make_automation(world, trigger=AutomationTrigger.REGISTERED_NO_ORDER, days=1, tag="welcome")
    await make_automation(world, by=hq(world.other_admin), trigger=AutomationTrigger.REGISTERED_NO_ORDER, days=1,
                          tag="welcome")
    await make_automation(world, name="paused", trigger=AutomationTrigger.REGISTERED_NO_ORDER, days=1,
                          tag="paused", active=False)
    broker = jobs.make_broker(None)

    fired = [await _kick(broker, "run_automations"), await _kick(broker, "run_automations")]

    assert fired == [2, 0]
    assert set(await MemberTag.filter(tag="welcome").values_list("member_id", flat=True)) == {
        world.member_a.id, world.other_member.id}
    assert not await MemberTag.filter(tag="paused").exists()


async def test_the_automations_job_is_scheduled_hourly():
    [source] = jobs.scheduler.sources
    await source.startup()
    schedules = {s.task_name: s.cron for s in await source.get_schedules()}

    assert schedules["run_automations"] == "20 * * * *"


async def test_one_failing_automation_does_not_stop_the_others(world, monkeypatch):
    from domain.automations import runner

    await registered(world.member_a, datetime.now(UTC) - timedelta(days=2))
    broken = await make_automation(world, name="broken", trigger=AutomationTrigger.REGISTERED_NO_ORDER, days=1,
                                   tag="broken")
    await make_automation(world, trigger=AutomationTrigger.REGISTERED_NO_ORDER, days=1, tag="welcome")
    real_run_one = runner.run_one

    async def run_one(automation, **kwargs):
        if automation.id == broken.id:
            raise RuntimeError("boom")
        return await real_run_one(automation, **kwargs)

    monkeypatch.setattr(runner, "run_one", run_one)

    assert await runner.run_due_automations(datetime.now(UTC)) == 1
    assert await MemberTag.filter(tag="welcome").count() == 1
