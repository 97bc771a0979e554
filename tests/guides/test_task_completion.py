"""completeGuideTask records the contact; the task leaves the list for its reason during the
brand's cool-down and comes back after it if the condition still holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.guides.follow_ups import complete_task
from domain.guides.models import ContactChannel, GuideFollowUp, TaskReason
from domain.guides.tasks import list_tasks
from tests.factories import make_member
from tests.guides.support import (
    COMPLETE, TASKS, as_staff, at, enrolled_on, give_guide, points_lot,
)
from tests.points.support import error_codes, payload_errors

NOW = at("2030-06-15T04:00:00+00:00")


async def reasons(g, now) -> list[tuple[int, TaskReason]]:
    return [(t.member_id, t.reason) for t in (await list_tasks(as_staff(g.clerk_a), now=now)).tasks]


async def test_a_completed_task_waits_for_the_cool_down_for_that_reason_only(guides):
    g = guides
    member = g.member_a
    await enrolled_on(member, NOW - timedelta(days=400))
    await points_lot(member, 100, earned_at=NOW - timedelta(days=300), expires_at=NOW + timedelta(days=45))
    await give_guide(g, g.clerk_a, member)

    await complete_task(as_staff(g.clerk_a), member_id=member.id, reason=TaskReason.DORMANT,
                        channel=ContactChannel.WECHAT, note="sent the spring menu", now=NOW)

    assert await reasons(g, NOW) == []
    # 20 days on: the points expire within 30 days now, and dormancy is still in its cool-down
    assert await reasons(g, NOW + timedelta(days=20)) == [(member.id, TaskReason.POINTS_EXPIRING)]
    # 30 days after completion the member is still dormant: the task is back
    assert (member.id, TaskReason.DORMANT) in await reasons(g, NOW + timedelta(days=30, seconds=1))


async def test_the_guide_completes_a_task_through_the_api(gql, guides):
    g = guides
    await give_guide(g, g.clerk_a, g.member_a)
    await enrolled_on(g.member_a, datetime.now(UTC) - timedelta(days=100))
    listed = (await gql(TASKS, token=g.tokens["clerk_a"]))["data"]["guideTasks"]

    body = (await gql(COMPLETE, {"input": {"memberId": str(g.member_a.id), "reason": "DORMANT",
                                           "channel": "PHONE", "note": " called "}},
                      token=g.tokens["clerk_a"]))["data"]["completeGuideTask"]
    after = (await gql(TASKS, token=g.tokens["clerk_a"]))["data"]["guideTasks"]

    assert [e["node"]["reason"] for e in listed["edges"]] == ["DORMANT"]
    assert listed["edges"][0]["node"]["message"].startswith("Hi Han Meimei, we have missed you!")
    assert body["errors"] == [] and body["followUp"]["note"] == "called"
    assert body["followUp"]["guide"] == {"id": str(g.clerk_a.id)}
    assert after["totalCount"] == 0
    row = await GuideFollowUp.get(member_id=g.member_a.id)
    assert (row.guide_id, row.store_id, row.recorded_by) == (g.clerk_a.id, g.store_a.id, f"staff:{g.clerk_a.id}")


async def test_manager_records_a_contact_for_its_stores_guide(gql, guides):
    g = guides
    await give_guide(g, g.clerk_a, g.member_a)

    body = await gql(COMPLETE, {"input": {"memberId": str(g.member_a.id), "reason": "DORMANT", "channel": "IN_STORE"}},
                     token=g.tokens["manager_a"])

    assert body["data"]["completeGuideTask"]["followUp"]["guide"] == {"id": str(g.clerk_a.id)}
    assert (await GuideFollowUp.get(member_id=g.member_a.id)).recorded_by == f"staff:{g.manager_a.id}"


async def test_a_member_without_guide_has_no_task_to_complete(gql, guides):
    g = guides
    unguided = await make_member(g.brand, g.store_a)
    input = {"memberId": str(unguided.id), "reason": "DORMANT", "channel": "PHONE"}

    by_manager = await gql(COMPLETE, {"input": input}, token=g.tokens["manager_a"])
    by_clerk = await gql(COMPLETE, {"input": input}, token=g.tokens["clerk_a"], expect_errors=True)

    assert payload_errors(by_manager["data"]["completeGuideTask"]) == [("NO_GUIDE", "memberId")]
    assert error_codes(by_clerk) == ["FORBIDDEN"]
    assert await GuideFollowUp.all().count() == 0


async def test_completing_a_task_twice_at_once_records_one_contact(guides):
    g = guides
    await give_guide(g, g.clerk_a, g.member_a)

    first = await complete_task(as_staff(g.clerk_a), member_id=g.member_a.id, reason=TaskReason.DORMANT,
                                channel=ContactChannel.PHONE, now=NOW)
    again = await complete_task(as_staff(g.clerk_a), member_id=g.member_a.id, reason=TaskReason.DORMANT,
                                channel=ContactChannel.PHONE, now=NOW + timedelta(minutes=1))
    other = await complete_task(as_staff(g.clerk_a), member_id=g.member_a.id, reason=TaskReason.POINTS_EXPIRING,
                                channel=ContactChannel.PHONE, now=NOW + timedelta(minutes=2))

    assert again.id == first.id and other.id != first.id
    assert await GuideFollowUp.filter(member_id=g.member_a.id).count() == 2
