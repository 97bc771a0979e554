"""The tier jobs on taskiq: registered with their daily schedules and runnable on the broker."""

from datetime import datetime, timezone

from taskiq.cli.scheduler.run import is_cron_task_now

from server import jobs


def test_tier_jobs_are_scheduled_daily_in_shanghai():
    broker = jobs.make_broker(None)
    expected = {"evaluate_tiers": (16, 15), "birthday_rewards": (1, 0)}  # 00:15 and 09:00 Shanghai, in UTC

    for name, (hour, minute) in expected.items():
        task = broker.find_task(name)
        (schedule,) = task.labels["schedule"]
        due = datetime(2026, 6, 1, hour, minute, tzinfo=timezone.utc)
        assert is_cron_task_now(schedule["cron"], due, schedule["cron_offset"]), name
        assert not is_cron_task_now(schedule["cron"], due.replace(minute=(minute + 1) % 60), schedule["cron_offset"])


async def test_tier_jobs_run_on_the_in_process_broker():
    broker = jobs.make_broker(None)

    for name in ("evaluate_tiers", "birthday_rewards"):
        handle = await broker.find_task(name).kiq()
        result = await handle.wait_result(timeout=30)
        assert not result.is_err, result.error
        assert result.return_value == 0  # nothing due in an empty database
