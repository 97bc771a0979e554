"""Segment queries and tags through the API: store tags stay in their store, a store manager
never reaches another store's members, saved segments run by id, bad filters are refused, and
a page costs the same number of queries whatever it holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.members.models import Member
from domain.segments.models import RfmSegment
from domain.segments.rfm import compute_brand_rfm
from franchise.models import AuditEntry
from tests.factories import make_member
from tests.points.support import error_codes
from tests.segments.support import (
    SAVE_SEGMENT, SEGMENT_MEMBERS, TAG, UNTAG, buy, give_points, give_wallet, node_ids, set_tier, tag,
)

MEMBER_TAGS = "query($id: ID!) { member(id: $id) { tags } }"


async def test_store_tags_of_store_a_are_invisible_in_store_b(gql, world):
    # given HQ's brand tag and store A's own tag on member_a, who then moves to store B
    await gql(TAG, {"input": {"memberIds": [str(world.member_a.id)], "tag": "vip"}}, token=world.tokens["hq_operator"])
    await gql(TAG, {"input": {"memberIds": [str(world.member_a.id)], "tag": "a-regular"}},
              token=world.tokens["manager_a"])
    await Member.filter(id=world.member_a.id).update(home_store_id=world.store_b.id)

    # then store B sees the brand tag only, and cannot select by store A's tag
    seen_by_b = await gql(MEMBER_TAGS, {"id": str(world.member_a.id)}, token=world.tokens["manager_b"])
    by_a_tag = await gql(SEGMENT_MEMBERS, {"filter": {"tagsAny": ["a-regular"]}}, token=world.tokens["manager_b"])
    seen_by_hq = await gql(MEMBER_TAGS, {"id": str(world.member_a.id)}, token=world.tokens["hq_operator"])

    assert seen_by_b["data"]["member"]["tags"] == ["vip"]
    assert node_ids(by_a_tag) == set()
    assert seen_by_hq["data"]["member"]["tags"] == ["a-regular", "vip"]


async def test_store_manager_cannot_segment_another_stores_members_even_by_naming_the_store(gql, world):
    body = await gql(SEGMENT_MEMBERS, {"filter": {"homeStoreIds": [str(world.store_b.id)]}},
                     token=world.tokens["manager_a"])

    assert body["data"]["segmentMembers"]["totalCount"] == 0


async def test_members_do_not_read_their_marketing_tags(gql, world):
    body = await gql(MEMBER_TAGS, {"id": str(world.member_a.id)}, token=world.tokens["member"], expect_errors=True)

    assert error_codes(body) == ["FORBIDDEN"]


async def test_untag_leaves_other_owners_tags(gql, world):
    await tag(world.member_a, "vip")  # brand-wide
    await gql(UNTAG, {"input": {"memberIds": [str(world.member_a.id)], "tag": "vip"}},
              token=world.tokens["manager_a"])  # a store manager untags its store's "vip": there is none

    after = await gql(MEMBER_TAGS, {"id": str(world.member_a.id)}, token=world.tokens["hq_operator"])
    assert after["data"]["member"]["tags"] == ["vip"]


async def test_hq_store_tag_goes_on_that_stores_members_only(gql, world):
    body = await gql(TAG, {"input": {"memberIds": [str(world.member_b.id)], "tag": "x", "storeId": str(world.store_a.id)}},
                     token=world.tokens["hq_operator"])

    assert [e["code"] for e in body["data"]["tagMembers"]["errors"]] == ["INVALID_TAG"]


async def test_invalid_filters_are_refused_with_their_field(gql, world):
    cases = [({"pointsMin": 10, "pointsMax": 5}, "pointsMin"), ({"birthdayMonth": 13}, "birthdayMonth"),
             ({"homeStoreIds": [str(world.other_store.id)]}, "homeStoreIds"), ({"walletMin": "-1"}, "walletMin")]
    for flt, field in cases:
        body = await gql(SEGMENT_MEMBERS, {"filter": flt}, token=world.tokens["hq_operator"], expect_errors=True)
        assert body["errors"][0]["extensions"]["field"] == field, body
        assert body["data"] is None

    saved = await gql(SAVE_SEGMENT, {"input": {"name": "bad", "filter": {"birthdayMonth": 0}}},
                      token=world.tokens["hq_operator"])
    assert [e["code"] for e in saved["data"]["saveSegment"]["errors"]] == ["INVALID_FILTER"]


async def test_saved_segment_runs_by_id_and_names_are_unique(gql, world):
    await give_wallet(world.member_b, 50_000, 10_000)
    given = {"name": "rich wallets", "filter": {"walletMin": "500.00", "tierLevels": [0]}}
    saved = (await gql(SAVE_SEGMENT, {"input": given}, token=world.tokens["hq_operator"]))["data"]["saveSegment"]

    run = await gql(SEGMENT_MEMBERS, {"segmentId": saved["segment"]["id"]}, token=world.tokens["hq_operator"])
    again = await gql(SAVE_SEGMENT, {"input": given}, token=world.tokens["hq_operator"])

    assert saved["segment"]["filter"]["walletMin"] == "500.00"
    assert node_ids(run) == {world.member_b.id}
    assert [e["code"] for e in again["data"]["saveSegment"]["errors"]] == ["SEGMENT_NAME_TAKEN"]


async def test_store_manager_cannot_run_hq_saved_segments(gql, world):
    saved = (await gql(SAVE_SEGMENT, {"input": {"name": "all", "filter": {}}},
                       token=world.tokens["hq_operator"]))["data"]["saveSegment"]["segment"]

    body = await gql(SEGMENT_MEMBERS, {"segmentId": saved["id"]}, token=world.tokens["manager_a"], expect_errors=True)

    assert error_codes(body) == ["FORBIDDEN"]


async def test_segment_page_shows_rfm_and_pages_with_total_count(gql, world):
    now = datetime.now(UTC)
    for member in (world.member_a, world.member_b):
        await Member.filter(id=member.id).update(created_at=now - timedelta(days=400))
    await buy(world.member_a, world.store_a.id, 1000, now - timedelta(days=300))
    await compute_brand_rfm(world.brand.id, now=now)

    first = await gql(SEGMENT_MEMBERS, {"filter": {"rfmSegments": ["DORMANT"]}, "first": 1},
                      token=world.tokens["hq_operator"])
    page = first["data"]["segmentMembers"]
    second = await gql(SEGMENT_MEMBERS, {"filter": {"rfmSegments": ["DORMANT"]}, "first": 1,
                                         "after": page["pageInfo"]["endCursor"]}, token=world.tokens["hq_operator"])

    assert page["totalCount"] == 2 and page["pageInfo"]["hasNextPage"]
    assert page["edges"][0]["node"]["rfm"]["segment"] == RfmSegment.DORMANT.value
    assert node_ids(first) | node_ids(second) == {world.member_a.id, world.member_b.id}


async def _page_statements(gql, count_queries, token) -> int:
    with count_queries() as counter:
        body = await gql(SEGMENT_MEMBERS, {"filter": {"pointsMin": 0, "tagsAny": ["vip"]}, "first": 50}, token=token)
    assert body["data"]["segmentMembers"]["edges"]
    return counter.count


async def test_a_page_costs_the_same_queries_whatever_it_holds(gql, world, count_queries):
    async def add_members(n: int) -> None:
        for _ in range(n):
            member = await make_member(world.brand, world.store_a)
            await tag(member, "vip")
            await give_points(member, 10)
            await set_tier(member, 1)

    await add_members(2)
    await compute_brand_rfm(world.brand.id, now=datetime.now(UTC))
    few = await _page_statements(gql, count_queries, world.tokens["hq_operator"])
    await add_members(20)
    await compute_brand_rfm(world.brand.id, now=datetime.now(UTC))
    many = await _page_statements(gql, count_queries, world.tokens["hq_operator"])

    assert few == many
    assert many <= 8, many  # count, page, then one each: points, tags, RFM, home stores


async def test_tagging_is_audited_with_the_members_changed(gql, world):
    await gql(TAG, {"input": {"memberIds": [str(world.member_a.id)], "tag": "vip"}}, token=world.tokens["manager_a"])
    await gql(TAG, {"input": {"memberIds": [str(world.member_a.id)], "tag": "vip"}}, token=world.tokens["manager_a"])

    [entry] = await AuditEntry.filter(action="member.tag")
    assert (entry.object_id, entry.store_id) == ("vip", world.store_a.id)
    assert entry.changes["memberIds"] == [None, [world.member_a.id]]
