"""Who may call each segments operation. Tags: HQ (operator, admin) and a store manager for its
own store's members; tag rules, RFM settings and recomputation, saved segments: HQ; segment
queries: HQ and store managers (their own store's members only). Clerks, members and partners
may not; another brand's admin acts on its own brand only. A refused call changes nothing."""

from __future__ import annotations

import pytest

from domain.members.models import MemberTag
from domain.segments.models import MemberRfm, RfmSettings, SavedSegment, TagRule
from tests.authorization.conftest import CALLERS, denial_code
from tests.factories import make_api_client
from tests.points.support import error_codes
from tests.segments.support import (
    RECOMPUTE_RFM, RFM_SETTINGS, SAVE_SEGMENT, SEGMENT_MEMBERS, SEGMENTS, TAG, TAG_RULES, UNTAG, UPDATE_RFM,
    UPSERT_RULE, node_ids, tag,
)

MODELS = (MemberTag, TagRule, RfmSettings, MemberRfm, SavedSegment)
HQ = {"hq_operator", "hq_admin"}


async def rows(brand_id: int) -> dict:
    return {m.__name__: await m.filter(brand_id=brand_id).order_by("id").values() for m in MODELS}


@pytest.fixture
async def scene(world):
    await tag(world.member_a, "old", store_id=world.store_a.id)
    world.tokens["partner_earn"] = await make_api_client(world.admin, ["points:earn"])  # no members:read
    return world


QUERY_CALLERS = (*CALLERS, "partner_earn")


def tag_input(w) -> dict:
    return {"memberIds": [str(w.member_a.id)], "tag": "vip", "storeId": str(w.store_a.id)}


CASES = {
    "tagMembers": (TAG, tag_input, HQ | {"manager_a"}),
    "untagMembers": (UNTAG, lambda w: {**tag_input(w), "tag": "old"}, HQ | {"manager_a"}),
    "upsertTagRule": (UPSERT_RULE, lambda w: {"tag": "vip", "kind": "SPENT_AT_LEAST", "threshold": 1, "days": 30},
                      HQ),
    "updateRfmSettings": (UPDATE_RFM, lambda w: {"windowDays": 180}, HQ),
    "recomputeRfm": (RECOMPUTE_RFM, None, HQ),
    "saveSegment": (SAVE_SEGMENT, lambda w: {"name": "vips", "filter": {"tagsAny": ["vip"]}}, HQ),
}
MATRIX = [pytest.param(name, caller, id=f"{name}-{caller}-{'allowed' if caller in allowed else 'denied'}")
          for name, (_, _, allowed) in CASES.items() for caller in CALLERS]


@pytest.mark.parametrize(("mutation", "caller"), MATRIX)
async def test_segments_mutation_permission(gql, scene, mutation, caller):
    document, make_input, allowed = CASES[mutation]
    variables = {"input": make_input(scene)} if make_input else {}
    before = await rows(scene.brand.id)

    body = await gql(document, variables, token=scene.tokens[caller], expect_errors=True)

    if caller in allowed:
        assert not body.get("errors") and body["data"][mutation]["errors"] == [], body
        assert await rows(scene.brand.id) != before
    elif caller == "other_admin":
        # its own brand's rules, settings and segments, never ours; our members are not found
        assert not body.get("errors"), body
        assert await rows(scene.brand.id) == before
    else:
        assert error_codes(body) == [denial_code(caller)], body
        assert await rows(scene.brand.id) == before


async def test_store_manager_cannot_tag_another_stores_member(gql, scene):
    as_manager_b = {"memberIds": [str(scene.member_a.id)], "tag": "vip"}

    body = await gql(TAG, {"input": as_manager_b}, token=scene.tokens["manager_b"], expect_errors=True)

    assert error_codes(body) == ["FORBIDDEN"]
    assert not await MemberTag.filter(tag="vip").exists()


async def test_store_manager_cannot_give_a_brand_wide_or_other_store_tag(gql, scene):
    other_store = {**tag_input(scene), "storeId": str(scene.store_b.id)}

    body = await gql(TAG, {"input": other_store}, token=scene.tokens["manager_a"], expect_errors=True)

    assert error_codes(body) == ["FORBIDDEN"]
    # without a store, a store manager's tag is its store's tag
    forced = (await gql(TAG, {"input": {"memberIds": [str(scene.member_a.id)], "tag": "vip"}},
                        token=scene.tokens["manager_a"]))["data"]["tagMembers"]
    assert forced["storeId"] == str(scene.store_a.id)
    assert (await MemberTag.get(tag="vip")).store_id == scene.store_a.id


SEGMENT_READERS = {"hq_operator": {"a", "b"}, "hq_admin": {"a", "b"}, "manager_a": {"a"}, "manager_b": {"b"},
                   "other_admin": {"other"}}


@pytest.mark.parametrize("caller", QUERY_CALLERS)
async def test_segment_members_permission_and_confinement(gql, scene, caller):
    body = await gql(SEGMENT_MEMBERS, {"filter": {}}, token=scene.tokens[caller], expect_errors=True)

    if caller in SEGMENT_READERS:
        ids = {"a": scene.member_a.id, "b": scene.member_b.id, "other": scene.other_member.id}
        assert node_ids(body) == {ids[k] for k in SEGMENT_READERS[caller]}, body
    else:
        assert error_codes(body) == [denial_code(caller)], body


@pytest.mark.parametrize("caller", CALLERS)
async def test_hq_reads_saved_segments_and_tag_rules(gql, scene, caller):
    await TagRule.create(brand_id=scene.brand.id, tag="vip", kind="ORDERS_AT_LEAST", threshold=2, days=30)
    await SavedSegment.create(brand_id=scene.brand.id, name="all", criteria={}, created_by="test")

    segments = await gql(SEGMENTS, token=scene.tokens[caller], expect_errors=True)
    rules = await gql(TAG_RULES, token=scene.tokens[caller], expect_errors=True)

    if caller in HQ:
        assert segments["data"]["segments"]["totalCount"] == 1 and rules["data"]["tagRules"]["totalCount"] == 1
    elif caller == "other_admin":
        assert segments["data"]["segments"]["totalCount"] == 0 and rules["data"]["tagRules"]["totalCount"] == 0
    else:
        assert error_codes(segments) == error_codes(rules) == [denial_code(caller)]


RFM_READERS = HQ | {"manager_a", "manager_b", "clerk_a", "partner", "other_admin"}


@pytest.mark.parametrize("caller", QUERY_CALLERS)
async def test_rfm_settings_readers(gql, scene, caller):
    body = await gql(RFM_SETTINGS, token=scene.tokens[caller], expect_errors=True)

    if caller in RFM_READERS:
        assert body["data"]["rfmSettings"] == {"method": "QUINTILES", "windowDays": 365}
    else:
        assert error_codes(body) == [denial_code(caller)]


MEMBER_TAGS = "query($id: ID!) { member(id: $id) { tags rfm { segment } } }"


@pytest.mark.parametrize("caller", ["partner", "partner_earn"])
async def test_partners_read_tags_only_with_members_read(gql, scene, caller):
    body = await gql(MEMBER_TAGS, {"id": str(scene.member_a.id)}, token=scene.tokens[caller], expect_errors=True)

    if caller == "partner":
        assert body["data"]["member"] == {"tags": ["old"], "rfm": None}
    else:
        assert error_codes(body) == ["FORBIDDEN"]
