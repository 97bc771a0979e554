"""Who may call the read operations, and what each caller gets back.

These tests only read, so one world serves the module (`shared_world`)."""

from __future__ import annotations

import pytest

from tests.authorization.conftest import CALLERS, denial_code, error_codes
from tests.factories import World

MISSING_ID = 987654321

STORES = "{ stores { id code } }"
STORE = "query($id: ID!) { store(id: $id) { id code } }"
MEMBERS = "{ members(first: 100) { totalCount edges { node { id } } } }"
API_CLIENTS = "{ apiClients { id name scopes } }"
VIEWER = """{
  viewer {
    kind role scopes brandId credentialError
    brand { slug }
    store { code }
    member { id }
  }
}"""

DENIED = "denied"


@pytest.fixture(autouse=True)
def clean_state():
    """Overrides the suite's per-test clean-up: nothing here writes, and `shared_world`
    cleans once when the module ends."""


@pytest.fixture
def world(shared_world) -> World:
    return shared_world


def _param(expected: dict[str, object]) -> list:
    assert set(expected) == set(CALLERS)
    return [
        pytest.param(caller, expected[caller], id=f"{caller}-{'denied' if expected[caller] == DENIED else 'allowed'}")
        for caller in CALLERS
    ]


def assert_denied(body: dict, caller: str, field: str) -> None:
    assert error_codes(body) == [denial_code(caller)], body
    assert body["data"] is None or body["data"][field] is None, body


# --- stores ----------------------------------------------------------------------------------

# Store codes each caller lists; the other brand's only store is also coded "A", so the other
# brand's admin is checked by id below.
STORES_SEEN = {
    "anonymous": DENIED,
    "member": ["A", "B"],
    "clerk_a": ["A"],
    "manager_a": ["A"],
    "manager_b": ["B"],
    "hq_operator": ["A", "B"],
    "hq_admin": ["A", "B"],
    "partner": ["A", "B"],
    "other_admin": "other brand's store",
}


@pytest.mark.parametrize(("caller", "expected"), _param(STORES_SEEN))
async def test_stores_lists_what_the_caller_may_see(gql, world, caller, expected):
    # when
    body = await gql(STORES, token=world.tokens[caller], expect_errors=True)

    # then
    if expected == DENIED:
        assert_denied(body, caller, "stores")
    elif caller == "other_admin":
        assert [s["id"] for s in body["data"]["stores"]] == [str(world.other_store.id)]
    else:
        assert not body.get("errors"), body
        assert [s["code"] for s in body["data"]["stores"]] == expected


@pytest.mark.parametrize("caller", ["manager_a", "clerk_a"])
async def test_store_role_reads_its_own_store_only(gql, world, caller):
    # when
    own = await gql(STORE, {"id": world.store_a.id}, token=world.tokens[caller])
    other = await gql(STORE, {"id": world.store_b.id}, token=world.tokens[caller], expect_errors=True)
    missing = await gql(STORE, {"id": MISSING_ID}, token=world.tokens[caller], expect_errors=True)

    # then: FORBIDDEN for another store, and the same for a store that does not exist
    assert own["data"]["store"]["code"] == "A"
    assert_denied(other, caller, "store")
    assert other["errors"][0]["message"] == missing["errors"][0]["message"]
    assert error_codes(missing) == ["FORBIDDEN"]


@pytest.mark.parametrize("caller", ["hq_admin", "hq_operator"])
async def test_hq_reads_every_store_of_its_brand(gql, world, caller):
    # when
    body = await gql(STORE, {"id": world.store_b.id}, token=world.tokens[caller])

    # then
    assert body["data"]["store"]["code"] == "B"


async def test_other_brand_admin_cannot_read_a_store_of_the_first_brand(gql, world):
    # when
    body = await gql(STORE, {"id": world.store_a.id}, token=world.tokens["other_admin"], expect_errors=True)

    # then: nothing, at most a FORBIDDEN
    assert body["data"] is None or body["data"]["store"] is None
    assert set(error_codes(body)) <= {"FORBIDDEN"}


async def test_anonymous_cannot_read_a_store(gql, world):
    # when
    body = await gql(STORE, {"id": world.store_a.id}, expect_errors=True)

    # then
    assert_denied(body, "anonymous", "store")


# --- members ---------------------------------------------------------------------------------

MEMBERS_SEEN = {
    "anonymous": DENIED,
    "member": DENIED,
    "clerk_a": {"member_a"},
    "manager_a": {"member_a"},
    "manager_b": {"member_b"},
    "hq_operator": {"member_a", "member_b"},
    "hq_admin": {"member_a", "member_b"},
    "partner": {"member_a", "member_b"},
    "other_admin": {"other_member"},
}


@pytest.mark.parametrize(("caller", "expected"), _param(MEMBERS_SEEN))
async def test_members_lists_what_the_caller_may_see(gql, world, caller, expected):
    # when
    body = await gql(MEMBERS, token=world.tokens[caller], expect_errors=True)

    # then
    if expected == DENIED:
        assert_denied(body, caller, "members")
    else:
        assert not body.get("errors"), body
        listed = {int(edge["node"]["id"]) for edge in body["data"]["members"]["edges"]}
        assert listed == {getattr(world, name).id for name in expected}
        assert body["data"]["members"]["totalCount"] == len(expected)


# --- viewer ----------------------------------------------------------------------------------

# kind, role, brand slug, store code, whether `member` is the caller itself, scopes
VIEWERS = {
    "anonymous": ("ANONYMOUS", None, None, None, False, []),
    "member": ("MEMBER", None, "acme", None, True, []),
    "clerk_a": ("STAFF", "STORE_CLERK", "acme", "A", False, []),
    "manager_a": ("STAFF", "STORE_MANAGER", "acme", "A", False, []),
    "manager_b": ("STAFF", "STORE_MANAGER", "acme", "B", False, []),
    "hq_operator": ("STAFF", "HQ_OPERATOR", "acme", None, False, []),
    "hq_admin": ("STAFF", "HQ_ADMIN", "acme", None, False, []),
    "partner": ("API_CLIENT", None, "acme", None, False, ["members:read", "members:write"]),
    "other_admin": ("STAFF", "HQ_ADMIN", "rival", None, False, []),
}


@pytest.mark.parametrize("caller", CALLERS)
async def test_viewer_tells_each_caller_who_it_is(gql, world, caller):
    # given
    kind, role, brand, store, is_member, scopes = VIEWERS[caller]

    # when
    body = await gql(VIEWER, token=world.tokens[caller])

    # then
    viewer = body["data"]["viewer"]
    assert (viewer["kind"], viewer["role"], viewer["scopes"]) == (kind, role, scopes)
    assert (viewer["brand"] or {}).get("slug") == brand
    expected_brand_id = {"acme": world.brand.id, "rival": world.other_brand.id}.get(brand)
    assert viewer["brandId"] == (str(expected_brand_id) if expected_brand_id else None)
    assert (viewer["store"] or {}).get("code") == store
    assert viewer["member"] == ({"id": str(world.member_a.id)} if is_member else None)
    assert viewer["credentialError"] is None


async def test_viewer_of_an_invalid_token_is_anonymous_and_says_why(gql, world):
    # when
    body = await gql(VIEWER, token="not-a-token")

    # then
    viewer = body["data"]["viewer"]
    assert (viewer["kind"], viewer["brand"], viewer["member"]) == ("ANONYMOUS", None, None)
    assert viewer["credentialError"]


# --- apiClients ------------------------------------------------------------------------------

API_CLIENTS_SEEN = {
    "anonymous": DENIED,
    "member": DENIED,
    "clerk_a": DENIED,
    "manager_a": DENIED,
    "manager_b": DENIED,
    "hq_operator": ["partner"],
    "hq_admin": ["partner"],
    "partner": DENIED,
    "other_admin": [],  # its brand has none; the first brand's are not its
}


@pytest.mark.parametrize(("caller", "expected"), _param(API_CLIENTS_SEEN))
async def test_api_clients_are_listed_to_hq_only(gql, world, caller, expected):
    # when
    body = await gql(API_CLIENTS, token=world.tokens[caller], expect_errors=True)

    # then
    if expected == DENIED:
        assert_denied(body, caller, "apiClients")
    else:
        assert not body.get("errors"), body
        clients = body["data"]["apiClients"]
        assert len(clients) == len(expected)
        assert all(c["scopes"] == ["members:read", "members:write"] for c in clients)
