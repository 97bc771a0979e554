"""assignGuide: a member's guide is store staff of the member's home store; store managers
assign within their store, HQ anywhere and by saved segment; every change is kept in history;
a guide deactivated or moved stops being the member's guide without rewriting anything."""

from __future__ import annotations

from domain.guides.models import GuideAssignment
from domain.members.models import Member
from domain.segments.filters import SegmentFilter, filter_to_json
from domain.segments.models import SavedSegment
from franchise import staff as staff_service
from tests.factories import hq, make_member
from tests.guides.support import ASSIGN, MEMBER_GUIDE, give_guide
from tests.points.support import error_codes, payload_errors


async def assign(gql, g, caller: str, guide, members, **kw) -> dict:
    input = {"guideId": str(guide.id) if guide else None, "memberIds": [str(m.id) for m in members]}
    body = await gql(ASSIGN, {"input": input}, token=g.tokens[caller], **kw)
    return body if kw.get("expect_errors") else body["data"]["assignGuide"]


async def test_store_manager_assigns_its_clerk_to_its_member_with_history(gql, guides):
    g = guides

    done = await assign(gql, g, "manager_a", g.clerk_a, [g.member_a])
    again = await assign(gql, g, "manager_a", g.clerk_a, [g.member_a])
    view = (await gql(MEMBER_GUIDE, {"id": str(g.member_a.id)}, token=g.tokens["manager_a"]))["data"]["member"]

    assert (done["assigned"], done["unchanged"], done["errors"]) == (1, 0, [])
    assert (again["assigned"], again["unchanged"]) == (0, 1)
    assert view["guide"] == {"id": str(g.clerk_a.id), "name": g.clerk_a.name, "store": {"code": "A"}}
    assert view["guideHistory"]["totalCount"] == 1
    assert view["guideHistory"]["edges"][0]["node"] == {
        "assignedBy": f"staff:{g.manager_a.id}", "assignedByRole": "store_manager",
        "guide": {"id": str(g.clerk_a.id)}, "previousGuide": None}


async def test_guide_must_be_staff_of_the_members_home_store(gql, guides):
    g = guides

    body = await assign(gql, g, "hq_admin", g.clerk_b, [g.member_a])

    assert payload_errors(body) == [("GUIDE_NOT_OF_STORE", "memberIds")]
    assert (await Member.get(id=g.member_a.id)).guide_id is None
    assert await GuideAssignment.all().count() == 0


async def test_one_member_of_another_store_rejects_the_whole_request(gql, guides):
    g = guides
    other_a = await make_member(g.brand, g.store_a, name="Xiao Ming")

    body = await assign(gql, g, "hq_operator", g.clerk_a, [other_a, g.member_b])

    assert payload_errors(body) == [("GUIDE_NOT_OF_STORE", "memberIds")]
    assert await Member.filter(guide_id__isnull=False).count() == 0


async def test_store_manager_cannot_assign_another_stores_member_or_guide(gql, guides):
    g = guides

    other_member = await assign(gql, g, "manager_a", g.clerk_a, [g.member_b], expect_errors=True)
    other_guide = await assign(gql, g, "manager_b", g.clerk_a, [g.member_b], expect_errors=True)

    assert error_codes(other_member) == ["FORBIDDEN"]
    assert error_codes(other_guide) == ["FORBIDDEN"]
    assert await GuideAssignment.all().count() == 0


async def test_hq_learns_an_unknown_guide_a_store_manager_is_refused(gql, guides):
    g = guides
    input = {"guideId": "999999999", "memberIds": [str(g.member_a.id)]}

    hq_body = await gql(ASSIGN, {"input": input}, token=g.tokens["hq_admin"])
    manager_body = await gql(ASSIGN, {"input": input}, token=g.tokens["manager_a"], expect_errors=True)

    assert payload_errors(hq_body["data"]["assignGuide"]) == [("GUIDE_NOT_FOUND", "guideId")]
    assert error_codes(manager_body) == ["FORBIDDEN"]


async def test_unassign_keeps_history(gql, guides):
    g = guides
    await assign(gql, g, "manager_a", g.clerk_a, [g.member_a])

    done = await assign(gql, g, "manager_a", None, [g.member_a])

    assert done["assigned"] == 1 and done["guide"] is None
    assert (await Member.get(id=g.member_a.id)).guide_id is None
    rows = await GuideAssignment.filter(member_id=g.member_a.id).order_by("id").values_list(
        "guide_id", "previous_guide_id")
    assert rows == [(g.clerk_a.id, None), (None, g.clerk_a.id)]


async def test_deactivated_or_moved_guide_is_no_longer_the_members_guide(gql, guides):
    g = guides
    await give_guide(g, g.clerk_a, g.member_a)

    await staff_service.update_staff_role(hq(g.admin), staff_id=g.clerk_a.id, active=False)
    off = (await gql(MEMBER_GUIDE, {"id": str(g.member_a.id)}, token=g.tokens["hq_admin"]))["data"]["member"]
    await staff_service.update_staff_role(hq(g.admin), staff_id=g.clerk_a.id, active=True)
    back = (await gql(MEMBER_GUIDE, {"id": str(g.member_a.id)}, token=g.tokens["hq_admin"]))["data"]["member"]
    await staff_service.update_staff_role(hq(g.admin), staff_id=g.clerk_a.id, store_id=g.store_b.id)
    moved = (await gql(MEMBER_GUIDE, {"id": str(g.member_a.id)}, token=g.tokens["hq_admin"]))["data"]["member"]

    assert off["guide"] is None and off["guideHistory"]["totalCount"] == 1
    assert back["guide"]["id"] == str(g.clerk_a.id)
    assert moved["guide"] is None and moved["guideHistory"]["totalCount"] == 1
    assert (await Member.get(id=g.member_a.id)).guide_id == g.clerk_a.id  # the record stays


async def test_hq_assigns_a_segment_and_skips_members_of_other_stores(gql, guides):
    g = guides
    second_a = await make_member(g.brand, g.store_a, name="Xiao Ming")
    segment = await SavedSegment.create(brand_id=g.brand.id, name="everyone", criteria=filter_to_json(SegmentFilter()),
                                        created_by="test")
    input = {"guideId": str(g.clerk_a.id), "segmentId": str(segment.id)}

    body = (await gql(ASSIGN, {"input": input}, token=g.tokens["hq_operator"]))["data"]["assignGuide"]
    by_manager = await gql(ASSIGN, {"input": input}, token=g.tokens["manager_a"], expect_errors=True)

    assert (body["assigned"], body["skipped"], body["skippedMemberIds"]) == (2, 1, [str(g.member_b.id)])
    assert set(await Member.filter(guide_id=g.clerk_a.id).values_list("id", flat=True)) == {g.member_a.id,
                                                                                           second_a.id}
    assert await GuideAssignment.filter(segment_id=segment.id).count() == 2
    assert error_codes(by_manager) == ["FORBIDDEN"]


async def test_members_or_a_segment_exactly_one_of_them(gql, guides):
    g = guides
    guide = str(g.clerk_a.id)

    neither = await gql(ASSIGN, {"input": {"guideId": guide}}, token=g.tokens["hq_admin"])
    both = await gql(ASSIGN, {"input": {"guideId": guide, "memberIds": [str(g.member_a.id)], "segmentId": "1"}},
                     token=g.tokens["hq_admin"])
    empty = await gql(ASSIGN, {"input": {"guideId": guide, "memberIds": []}}, token=g.tokens["hq_admin"])

    assert payload_errors(neither["data"]["assignGuide"]) == [("INVALID_INPUT", "memberIds")]
    assert payload_errors(both["data"]["assignGuide"]) == [("INVALID_INPUT", "memberIds")]
    assert payload_errors(empty["data"]["assignGuide"]) == [("REQUIRED", "memberIds")]
    assert await GuideAssignment.all().count() == 0
