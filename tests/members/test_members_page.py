"""members(filter, first, after): a Relay connection, newest first, at a constant query cost;
and `_entities` of many members batched the same way."""

import base64
from datetime import datetime, timezone

import pytest

from domain.members.models import Member
from tests.factories import make_member, make_store
from tests.members.support import assert_refused_with_a_code, error_codes

PAGE = """
query($first: Int!, $after: String, $filter: MemberFilter) {
  members(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id name phone homeStore { id code } } }
  }
}
"""
ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Member { id name homeStore { code } } }
}
"""
# What a page costs, whatever it holds: the caller's staff row, the count, the page, its stores.
PAGE_QUERIES = 4
# What `_entities` costs: the caller's staff row, the members (one IN), their stores (one IN).
ENTITY_QUERIES = 3


async def members_page(gql, token, first, after=None, **filter):
    body = await gql(PAGE, {"first": first, "after": after, "filter": filter or None}, token=token)
    return body["data"]["members"]


async def spread_members(world, count: int) -> list[Member]:
    """`count` more members of the brand, round-robin over stores A, B and a new store C."""
    store_c = await make_store(world.admin, "C", city="Suzhou")
    stores = [world.store_a, world.store_b, store_c]
    return [await make_member(world.brand, stores[i % 3], name=f"Member {i}") for i in range(count)]


async def test_members_page_costs_the_same_queries_for_five_members_as_for_fifty(gql, world, count_queries):
    # given 50 members of the brand spread over three stores
    await spread_members(world, 48)
    token = world.tokens["hq_admin"]

    # when a page of 5 and a page of 50 are read with their home stores
    with count_queries() as small:
        five = await members_page(gql, token, 5)
    with count_queries() as large:
        fifty = await members_page(gql, token, 50)

    # then both cost the same few queries
    assert len(five["edges"]) == 5 and len(fifty["edges"]) == 50
    assert {e["node"]["homeStore"]["code"] for e in fifty["edges"]} == {"A", "B", "C"}
    assert small.count == large.count == PAGE_QUERIES, large.queries


async def test_entities_of_twenty_members_cost_the_same_queries_as_of_two(gql, world, count_queries):
    members = await spread_members(world, 20)
    representations = [{"__typename": "Member", "id": str(m.id)} for m in members]
    token = world.tokens["hq_admin"]

    with count_queries() as small:
        two = await gql(ENTITIES, {"representations": representations[:2]}, token=token)
    with count_queries() as large:
        twenty = await gql(ENTITIES, {"representations": representations}, token=token)

    assert [e["id"] for e in twenty["data"]["_entities"]] == [str(m.id) for m in members]
    assert len(two["data"]["_entities"]) == 2
    assert small.count == large.count == ENTITY_QUERIES, large.queries


async def test_entities_of_a_member_of_another_store_are_forbidden_to_a_store_manager(gql, world):
    body = await gql(ENTITIES, {"representations": [{"__typename": "Member", "id": str(world.member_b.id)}]},
                     token=world.tokens["manager_a"], expect_errors=True)

    assert error_codes(body) == ["FORBIDDEN"]


async def test_walking_pages_visits_every_member_once_newest_first(gql, world):
    # given 23 members in the brand (and one in another brand)
    await spread_members(world, 21)
    ids = await Member.filter(brand_id=world.brand.id).order_by("-id").values_list("id", flat=True)
    expected = [str(i) for i in ids]
    assert len(expected) == 23

    # when the pages of 5 are walked with their cursors
    seen, after, pages = [], None, 0
    while True:
        page = await members_page(gql, world.tokens["hq_admin"], 5, after)
        pages += 1
        assert page["totalCount"] == 23
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]

    # then every member of the brand came once, newest first, and nothing of the other brand
    assert pages == 5
    assert seen == expected
    assert str(world.other_member.id) not in seen


async def test_filter_by_home_store_lists_that_stores_members_only(gql, world):
    await spread_members(world, 9)  # 3 more in each of A, B, C
    in_b = await Member.filter(home_store_id=world.store_b.id).count()

    page = await members_page(gql, world.tokens["hq_admin"], 50, homeStoreId=str(world.store_b.id))

    assert page["totalCount"] == in_b == 4
    assert {e["node"]["homeStore"]["code"] for e in page["edges"]} == {"B"}


async def test_store_manager_filtering_by_another_store_still_sees_only_its_own(gql, world):
    page = await members_page(gql, world.tokens["manager_a"], 50, homeStoreId=str(world.store_b.id))

    assert page["totalCount"] == 0
    assert page["edges"] == []


async def test_store_manager_lists_only_its_own_stores_members(gql, world):
    await spread_members(world, 6)

    page = await members_page(gql, world.tokens["manager_a"], 50)

    assert page["totalCount"] == 3
    assert {e["node"]["homeStore"]["code"] for e in page["edges"]} == {"A"}


async def test_search_with_digits_matches_the_end_of_the_phone(gql, world):
    await make_member(world.brand, world.store_a, phone="+8613800138000", name="Zhang San")
    await make_member(world.brand, world.store_b, phone="+8613912348000", name="Li Si")
    await make_member(world.brand, world.store_b, phone="+8613980001234", name="Wang Wu")

    page = await members_page(gql, world.tokens["hq_admin"], 50, search="8000")

    assert page["totalCount"] == 2
    assert sorted(e["node"]["name"] for e in page["edges"]) == ["Li Si", "Zhang San"]


async def test_search_with_text_matches_the_name_ignoring_case(gql, world):
    await make_member(world.brand, world.store_a, name="Zhang San")
    await make_member(world.brand, world.store_b, name="Zhang Xiaoming")
    await make_member(world.brand, world.store_b, name="Li Si")

    page = await members_page(gql, world.tokens["hq_admin"], 50, search="zhang")

    assert page["totalCount"] == 2
    assert sorted(e["node"]["name"] for e in page["edges"]) == ["Zhang San", "Zhang Xiaoming"]


async def test_search_treats_like_wildcards_as_plain_text(gql, world):
    page = await members_page(gql, world.tokens["hq_admin"], 50, search="%")

    assert page["totalCount"] == 0


async def test_joined_after_lists_members_enrolled_since_then(gql, world):
    # given two members who joined in 2020 and the world's two who joined today
    old = [await make_member(world.brand, world.store_a) for _ in range(2)]
    await Member.filter(id__in=[m.id for m in old]).update(created_at=datetime(2020, 3, 1, tzinfo=timezone.utc))

    page = await members_page(gql, world.tokens["hq_admin"], 50, joinedAfter="2021-01-01T00:00:00+00:00")

    assert page["totalCount"] == 2
    assert {e["node"]["id"] for e in page["edges"]} == {str(world.member_a.id), str(world.member_b.id)}


def cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "after",
    ["not-a-cursor", "é", cursor("id:abc"), cursor("page:3"), cursor("id:99999999999999999999999"), cursor("id:0")],
)
async def test_bad_cursor_is_a_top_level_input_error_not_a_server_error(gql, world, after):
    body = await gql(PAGE, {"first": 5, "after": after}, token=world.tokens["hq_admin"], expect_errors=True)

    assert body["data"] is None
    assert_refused_with_a_code(body)
    assert error_codes(body) == ["INVALID_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "after"


@pytest.mark.parametrize("first", [101, 1000, -1])
async def test_page_size_outside_zero_to_a_hundred_is_refused(gql, world, first):
    body = await gql(PAGE, {"first": first}, token=world.tokens["hq_admin"], expect_errors=True)

    assert error_codes(body) == ["INVALID_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "first"


async def test_page_of_a_hundred_is_allowed(gql, world):
    page = await members_page(gql, world.tokens["hq_admin"], 100)

    assert page["totalCount"] == 2
