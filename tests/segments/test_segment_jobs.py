"""The daily segments jobs on taskiq: rule tags and RFM scores for every brand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.members.models import MemberTag
from domain.segments.models import MemberRfm, TagRule, TagRuleKind
from server import jobs
from tests.segments.support import buy


async def _kick(broker, name: str) -> int:
    handle = await broker.find_task(name).kiq()
    result = await handle.wait_result(timeout=30)
    assert not result.is_err, result.error
    return result.return_value


async def test_jobs_tag_and_score_every_brand(world):
    now = datetime.now(UTC)
    await buy(world.member_a, world.store_a.id, 5000, now - timedelta(days=1))
    await buy(world.other_member, world.other_store.id, 5000, now - timedelta(days=1))
    for brand_id in (world.brand.id, world.other_brand.id):
        await TagRule.create(brand_id=brand_id, tag="buyer", kind=TagRuleKind.ORDERS_AT_LEAST, threshold=1, days=30)
    broker = jobs.make_broker(None)

    tagged = await _kick(broker, "recompute_rule_tags")
    scored = await _kick(broker, "recompute_rfm")

    assert tagged == 2
    assert set(await MemberTag.filter(tag="buyer").values_list("member_id", flat=True)) == {
        world.member_a.id, world.other_member.id}
    assert scored == await MemberRfm.all().count() == 3  # member_a, member_b, other_member


async def test_segments_jobs_are_scheduled_at_night_in_shanghai():
    [source] = jobs.scheduler.sources
    await source.startup()
    schedules = {s.task_name: (s.cron, s.cron_offset) for s in await source.get_schedules()}

    assert schedules["recompute_rule_tags"] == ("0 2 * * *", "Asia/Shanghai")
    assert schedules["recompute_rfm"] == ("30 2 * * *", "Asia/Shanghai")
