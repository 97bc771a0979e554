"""A store role reaches its own store's members only, by every road; a denial never tells
whether a member exists; another brand sees nothing; phones are masked for clerks.

These tests only read, so one world serves the module (`shared_world`)."""

from __future__ import annotations

import json
import re

import pytest

from domain.members.phones import mask_phone
from tests.authorization.conftest import error_codes
from tests.factories import World, next_phone

MISSING_ID = 987654321

MEMBER = "query($id: ID!) { member(id: $id) { id name phone homeStore { id } } }"
MEMBER_BY_PHONE = "query($phone: String!) { memberByPhone(phone: $phone) { id name phone } }"
MEMBERS = """query($filter: MemberFilter) {
  members(filter: $filter, first: 100) { totalCount edges { node { id name phone homeStore { id } } } }
}"""
ENTITIES = """query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Member { id name phone }
    ... on Store { id code storeName: name }
  }
}"""
STORE = "query($id: ID!) { store(id: $id) { id code name } }"
STORES = "{ stores { id code name } }"

STORE_STAFF = ["manager_a", "clerk_a"]


@pytest.fixture(autouse=True)
def clean_state():
    """Overrides the suite's per-test clean-up: nothing here writes, and `shared_world`
    cleans once when the module ends."""


@pytest.fixture
def world(shared_world) -> World:
    return shared_world


def denial(body: dict) -> dict:
    """What a denial tells the caller: its code and message, nothing else."""
    assert len(body["errors"]) == 1, body
    error = body["errors"][0]
    return {"code": error["extensions"].get("code"), "message": error["message"],
            "extensions": error["extensions"]}


def ids(connection: dict) -> set[int]:
    return {int(edge["node"]["id"]) for edge in connection["edges"]}


# --- a store role and another store's member -------------------------------------------------


@pytest.mark.parametrize("caller", STORE_STAFF)
async def test_store_staff_cannot_read_another_stores_member_by_id(gql, world, caller):
    # when
    other_store = await gql(MEMBER, {"id": world.member_b.id}, token=world.tokens[caller], expect_errors=True)
    missing = await gql(MEMBER, {"id": MISSING_ID}, token=world.tokens[caller], expect_errors=True)

    # then: FORBIDDEN both times, with the same words: existence does not leak
    assert other_store["data"]["member"] is None and missing["data"]["member"] is None
    assert denial(other_store)["code"] == "FORBIDDEN"
    assert denial(other_store) == denial(missing)
    assert world.member_b.phone not in json.dumps(other_store)


@pytest.mark.parametrize("caller", STORE_STAFF)
async def test_store_staff_cannot_find_another_stores_member_by_phone(gql, world, caller):
    # when
    other_store = await gql(MEMBER_BY_PHONE, {"phone": world.member_b.phone}, token=world.tokens[caller],
                            expect_errors=True)
    unknown = await gql(MEMBER_BY_PHONE, {"phone": next_phone()}, token=world.tokens[caller],
                        expect_errors=True)

    # then
    assert other_store["data"]["memberByPhone"] is None and unknown["data"]["memberByPhone"] is None
    assert denial(other_store)["code"] == "FORBIDDEN"
    assert denial(other_store) == denial(unknown)
    assert world.member_b.name not in json.dumps(other_store)


@pytest.mark.parametrize("caller", STORE_STAFF)
async def test_store_staff_filtering_by_another_store_gets_none_of_its_members(gql, world, caller):
    # when
    body = await gql(MEMBERS, {"filter": {"homeStoreId": str(world.store_b.id)}}, token=world.tokens[caller])

    # then
    assert body["data"]["members"] == {"totalCount": 0, "edges": []}


@pytest.mark.parametrize("caller", STORE_STAFF)
async def test_store_staff_list_holds_only_its_own_stores_members(gql, world, caller):
    # when
    body = await gql(MEMBERS, {"filter": None}, token=world.tokens[caller])

    # then
    members = body["data"]["members"]
    assert ids(members) == {world.member_a.id}
    assert members["totalCount"] == 1
    assert {edge["node"]["homeStore"]["id"] for edge in members["edges"]} == {str(world.store_a.id)}


@pytest.mark.parametrize("caller", STORE_STAFF)
async def test_store_staff_cannot_resolve_another_stores_member_through_federation(gql, world, caller):
    # when
    other_store = await gql(
        ENTITIES, {"representations": [{"__typename": "Member", "id": str(world.member_b.id)}]},
        token=world.tokens[caller], expect_errors=True,
    )
    missing = await gql(
        ENTITIES, {"representations": [{"__typename": "Member", "id": str(MISSING_ID)}]},
        token=world.tokens[caller], expect_errors=True,
    )

    # then
    assert other_store["data"] == missing["data"] == {"_entities": [None]}
    assert denial(other_store)["code"] == "FORBIDDEN"
    assert denial(other_store) == denial(missing)
    assert world.member_b.phone not in json.dumps(other_store)


@pytest.mark.parametrize("caller", STORE_STAFF)
async def test_store_staff_resolves_its_own_stores_member_through_federation(gql, world, caller):
    # when
    body = await gql(
        ENTITIES, {"representations": [{"__typename": "Member", "id": str(world.member_a.id)}]},
        token=world.tokens[caller],
    )

    # then
    assert body["data"]["_entities"][0]["id"] == str(world.member_a.id)


@pytest.mark.parametrize("caller", STORE_STAFF)
async def test_store_staff_cannot_resolve_another_store_through_federation(gql, world, caller):
    # when
    body = await gql(
        ENTITIES, {"representations": [{"__typename": "Store", "id": str(world.store_b.id)}]},
        token=world.tokens[caller], expect_errors=True,
    )

    # then
    assert body["data"] == {"_entities": [None]}
    assert error_codes(body) == ["FORBIDDEN"]


# --- another brand's admin --------------------------------------------------------------------


async def test_other_brand_admin_gets_nothing_of_the_first_brand(gql, world):
    # given
    token = world.tokens["other_admin"]
    # (Store names are no secret here: the other brand's store is also called "Store A".)
    first_brand_secrets = [world.member_a.phone, world.member_b.phone, world.member_a.name,
                           world.member_b.name]

    # when
    answers = {
        "member": await gql(MEMBER, {"id": world.member_a.id}, token=token, expect_errors=True),
        "memberByPhone": await gql(MEMBER_BY_PHONE, {"phone": world.member_a.phone}, token=token,
                                   expect_errors=True),
        "store": await gql(STORE, {"id": world.store_a.id}, token=token, expect_errors=True),
        "_entities": await gql(ENTITIES, {"representations": [
            {"__typename": "Member", "id": str(world.member_a.id)},
            {"__typename": "Store", "id": str(world.store_b.id)},
        ]}, token=token, expect_errors=True),
    }
    filtered = await gql(MEMBERS, {"filter": {"homeStoreId": str(world.store_a.id)}}, token=token)
    everything = await gql(MEMBERS, {"filter": None}, token=token)
    stores = await gql(STORES, token=token)

    # then: null or FORBIDDEN, never the object
    for field, body in answers.items():
        assert set(error_codes(body)) <= {"FORBIDDEN"}, (field, body)
        assert body["data"][field] in (None, [None, None]), (field, body)
    assert filtered["data"]["members"] == {"totalCount": 0, "edges": []}
    assert ids(everything["data"]["members"]) == {world.other_member.id}
    assert [s["id"] for s in stores["data"]["stores"]] == [str(world.other_store.id)]
    leaked = json.dumps([answers, filtered, everything, stores])
    assert not [secret for secret in first_brand_secrets if secret in leaked]


# --- phones ---------------------------------------------------------------------------------


async def test_clerk_sees_member_phones_masked(gql, world):
    # when
    by_id = await gql(MEMBER, {"id": world.member_a.id}, token=world.tokens["clerk_a"])
    by_phone = await gql(MEMBER_BY_PHONE, {"phone": world.member_a.phone}, token=world.tokens["clerk_a"])
    listed = await gql(MEMBERS, {"filter": None}, token=world.tokens["clerk_a"])

    # then: "+86137****0001": country code and first three digits, four stars, last four digits
    phone = world.member_a.phone
    masked = f"{phone[:6]}****{phone[-4:]}"
    assert re.fullmatch(r"\+86\d{3}\*{4}\d{4}", masked) and masked == mask_phone(phone)
    assert by_id["data"]["member"]["phone"] == masked
    assert by_phone["data"]["memberByPhone"]["phone"] == masked
    assert [edge["node"]["phone"] for edge in listed["data"]["members"]["edges"]] == [masked]


@pytest.mark.parametrize("caller", ["manager_a", "hq_operator", "hq_admin"])
async def test_manager_and_hq_see_full_phones(gql, world, caller):
    # when
    body = await gql(MEMBER, {"id": world.member_a.id}, token=world.tokens[caller])

    # then
    assert body["data"]["member"]["phone"] == world.member_a.phone


async def test_partner_without_pii_scope_sees_phones_masked(gql, world):
    # when
    body = await gql(MEMBER, {"id": world.member_a.id}, token=world.tokens["partner"])

    # then
    assert body["data"]["member"]["phone"] == mask_phone(world.member_a.phone)


# --- a member ---------------------------------------------------------------------------------


async def test_member_reads_itself_with_its_full_phone(gql, world):
    # when
    by_id = await gql(MEMBER, {"id": world.member_a.id}, token=world.tokens["member"])
    by_phone = await gql(MEMBER_BY_PHONE, {"phone": world.member_a.phone}, token=world.tokens["member"])

    # then
    assert by_id["data"]["member"]["phone"] == world.member_a.phone
    assert by_phone["data"]["memberByPhone"]["id"] == str(world.member_a.id)


async def test_member_cannot_read_another_member(gql, world):
    # given
    token = world.tokens["member"]

    # when
    other = await gql(MEMBER, {"id": world.member_b.id}, token=token, expect_errors=True)
    missing = await gql(MEMBER, {"id": MISSING_ID}, token=token, expect_errors=True)
    other_by_phone = await gql(MEMBER_BY_PHONE, {"phone": world.member_b.phone}, token=token,
                               expect_errors=True)
    through_federation = await gql(
        ENTITIES, {"representations": [{"__typename": "Member", "id": str(world.member_b.id)}]},
        token=token, expect_errors=True,
    )

    # then
    assert other["data"]["member"] is None
    assert denial(other)["code"] == "FORBIDDEN"
    assert denial(other) == denial(missing)
    assert error_codes(other_by_phone) == ["FORBIDDEN"]
    assert error_codes(through_federation) == ["FORBIDDEN"]
    assert world.member_b.phone not in json.dumps([other, other_by_phone, through_federation])
