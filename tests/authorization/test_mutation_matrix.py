"""Who may call each mutation of the foundation, per DESIGN.md "Who may do what".

Every case aims at store A / member A of the first brand ("acme"). Exactly the allowed callers
succeed; every other caller gets a top-level FORBIDDEN (UNAUTHENTICATED without credentials)
and changes nothing. Another brand's admin may also be told the object is not found (its own
brand has no such object), but it never succeeds and never changes anything."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from franchise.models import Store
from tests.authorization.conftest import (
    CALLERS, Targets, build_targets, denial_code, error_codes, suite_clean_up, take_snapshot,
)
from tests.factories import make_api_client, next_phone

HQ_ADMIN = frozenset({"hq_admin"})
NOT_FOUND_CODES = frozenset({"NOT_FOUND", "STORE_NOT_FOUND", "STAFF_NOT_FOUND", "MEMBER_NOT_FOUND"})


@dataclass(frozen=True)
class Case:
    mutation: str
    document: str
    input: Callable[[Targets], dict]
    # The payload field that holds the result on success.
    result: str
    allowed: frozenset[str]
    # Callers for whom the object is out of reach may be told "not found" in the payload
    # (another brand's admin: the object is not in its brand).
    may_see_not_found: frozenset[str] = frozenset({"other_admin"})
    # Callers that act in their own brand when the mutation names no object of the first brand.
    own_brand_only: frozenset[str] = frozenset()

    def expectation(self, caller: str) -> str:
        if caller in self.allowed:
            return "allowed"
        if caller in self.own_brand_only:
            return "own_brand_only"
        return "denied"


def _doc(name: str, input_type: str, selection: str) -> str:
    return (
        f"mutation($input: {input_type}!) {{ {name}(input: $input) "
        f"{{ {selection} errors {{ code field message }} }} }}"
    )


CASES = [
    Case(
        "createStore",
        _doc("createStore", "CreateStoreInput", "store { id code }"),
        lambda t: {"code": "C", "name": "Store C", "city": "Suzhou"},
        "store", HQ_ADMIN, own_brand_only=frozenset({"other_admin"}),
    ),
    Case(
        "updateStore",
        _doc("updateStore", "UpdateStoreInput", "store { id name }"),
        lambda t: {"id": t.store_a.id, "name": "Renamed A"},
        "store", HQ_ADMIN,
    ),
    Case(
        "createStaff",
        _doc("createStaff", "CreateStaffInput", "staff { id role store { id } }"),
        lambda t: {"email": "new.clerk@acme.test", "name": "New clerk", "password": "long-enough-password",
                   "role": "STORE_CLERK", "storeId": t.store_a.id},
        "staff", frozenset({"hq_admin", "manager_a"}),
    ),
    Case(
        "updateStaffRole",
        _doc("updateStaffRole", "UpdateStaffRoleInput", "staff { id role }"),
        lambda t: {"staffId": t.clerk_a.id, "role": "STORE_MANAGER"},
        "staff", HQ_ADMIN,
    ),
    Case(
        "upsertStoreMemberCard",
        _doc("upsertStoreMemberCard", "UpsertStoreMemberCardInput", "card { id name }"),
        lambda t: {"storeId": t.store_a.id, "name": "A club", "trialDays": 7, "discountPercent": 5},
        "card", frozenset({"hq_admin", "manager_a"}),
    ),
    Case(
        "setStoreMemberPrice",
        _doc("setStoreMemberPrice", "SetStoreMemberPriceInput", "price { sku price }"),
        lambda t: {"storeId": t.store_a.id, "sku": "CAKE-1", "price": "9.90"},
        "price", frozenset({"hq_admin", "manager_a"}),
    ),
    Case(
        "registerMember",
        _doc("registerMember", "RegisterMemberInput", "member { id homeStore { id } }"),
        lambda t: {"phone": next_phone(), "name": "New member", "homeStoreId": t.store_a.id},
        "member", frozenset({"hq_admin", "hq_operator", "manager_a", "clerk_a", "partner"}),
    ),
    Case(
        "importMembers",
        _doc("importMembers", "ImportMembersInput", "results { row memberId error { code } } imported failed"),
        lambda t: {"rows": [{"phone": next_phone(), "name": "Imported", "homeStoreId": t.store_a.id}]},
        "results", frozenset({"hq_admin", "hq_operator", "manager_a"}),
        # A bulk import reports a row whose store is out of the caller's reach as that row's
        # STORE_NOT_FOUND (the same as for a store that does not exist), not as a denial.
        may_see_not_found=frozenset({"other_admin", "manager_b"}),
    ),
    Case(
        "transferMember",
        _doc("transferMember", "TransferMemberInput", "member { id homeStore { id } }"),
        lambda t: {"memberId": t.member_a.id, "homeStoreId": t.store_b.id, "reason": "moved house"},
        "member", HQ_ADMIN,
    ),
    Case(
        "createApiClient",
        _doc("createApiClient", "CreateApiClientInput", "apiClient { id storeIds } apiKey"),
        lambda t: {"name": "Store A POS", "scopes": ["members:read"], "storeIds": [t.store_a.id]},
        "apiClient", HQ_ADMIN,
    ),
    Case(
        "revokeApiClient",
        _doc("revokeApiClient", "RevokeApiClientInput", "apiClient { id revokedAt }"),
        lambda t: {"id": t.api_client.id},
        "apiClient", HQ_ADMIN,
    ),
]

# Refused cases first, so they all share one world (see `targets` below).
MATRIX = sorted(
    (
        pytest.param(case, caller, id=f"{case.mutation}-{caller}-{case.expectation(caller)}")
        for case in CASES
        for caller in CALLERS
    ),
    key=lambda param: param.values[0].expectation(param.values[1]) != "denied",
)


# --- one world for the refused calls ---------------------------------------------------------
# A refused call must change nothing (each case checks it), so the refused cases share one world
# while it stays exactly as built; an allowed call, or a refused one that changed something,
# gets the suite's clean-up and the next case a fresh world.


@dataclass
class WorldCache:
    targets: Targets | None = None
    pristine: dict | None = None

    def forget(self) -> None:
        self.targets = self.pristine = None


@pytest.fixture(scope="module")
async def world_cache(request, app):
    cache = WorldCache()
    yield cache
    if cache.targets is not None:
        await suite_clean_up(request, app)


def _refused_case(request) -> bool:
    callspec = getattr(request.node, "callspec", None)
    if callspec is None or not isinstance(callspec.params.get("case"), Case):
        return False
    return callspec.params["case"].expectation(callspec.params["caller"]) == "denied"


@pytest.fixture(autouse=True)
async def clean_state(request, app, world_cache):
    """Overrides the suite's per-test clean-up: kept after a refused case that left the shared
    world as it was built, done (as the suite does it) after anything else."""
    yield
    if (_refused_case(request) and world_cache.targets is not None
            and await take_snapshot() == world_cache.pristine):
        return
    world_cache.forget()
    await suite_clean_up(request, app)


@pytest.fixture
async def targets(request, app, world_cache) -> Targets:
    if _refused_case(request):
        if world_cache.targets is None:
            world_cache.targets = await build_targets(app.state.tokens)
            world_cache.pristine = await take_snapshot()
        return world_cache.targets
    if world_cache.targets is not None:  # the database holds the shared world: start afresh
        world_cache.forget()
        await suite_clean_up(request, app)
    return await build_targets(app.state.tokens)


# --- the matrix --------------------------------------------------------------------------------


def _succeeded(case: Case, payload: dict) -> bool:
    if payload["errors"] != [] or payload[case.result] is None:
        return False
    if case.mutation == "importMembers":
        return payload["imported"] == 1 and payload["failed"] == 0
    return True


def _payload_refusal_codes(case: Case, payload: dict) -> set[str]:
    """The codes a payload refused the request with ({} when it did not refuse)."""
    codes = {e["code"] for e in payload["errors"]}
    if case.mutation == "importMembers" and payload["imported"] == 0:
        codes |= {r["error"]["code"] for r in payload["results"] if r["error"]}
    return codes


def assert_denied(case: Case, caller: str, body: dict) -> None:
    if body.get("errors"):
        assert error_codes(body) == [denial_code(caller)], body
        assert body["data"] is None or body["data"][case.mutation] is None, body
        return
    # No top-level error: only a caller the object is out of reach for may be told "not found".
    payload = body["data"][case.mutation]
    assert caller in case.may_see_not_found, f"{caller} was not refused: {payload}"
    codes = _payload_refusal_codes(case, payload)
    assert codes and codes <= NOT_FOUND_CODES, payload
    assert payload[case.result] in (None, []) or case.mutation == "importMembers", payload


@pytest.mark.parametrize(("case", "caller"), MATRIX)
async def test_mutation_permission(gql, targets, snapshot, case: Case, caller: str):
    # given
    first_brand = targets.world.brand.id
    before, before_first_brand = await snapshot(), await snapshot(first_brand)

    # when
    body = await gql(case.document, {"input": case.input(targets)}, token=targets.token(caller),
                     expect_errors=True)

    # then
    expected = case.expectation(caller)
    if expected == "allowed":
        assert not body.get("errors"), body
        payload = body["data"][case.mutation]
        assert _succeeded(case, payload), payload
        assert await snapshot(first_brand) != before_first_brand, "the allowed call changed nothing"
    elif expected == "own_brand_only":
        # Nothing of the first brand is named, so the call acts in the caller's own brand.
        assert not body.get("errors"), body
        assert _succeeded(case, body["data"][case.mutation]), body
        assert await snapshot(first_brand) == before_first_brand
    else:
        assert_denied(case, caller, body)
        assert await snapshot() == before, "a refused call changed data"


async def test_other_brand_admin_creates_stores_in_its_own_brand_only(gql, targets):
    # given
    case = next(c for c in CASES if c.mutation == "createStore")

    # when
    body = await gql(case.document, {"input": case.input(targets)}, token=targets.token("other_admin"))

    # then
    created = await Store.get(id=body["data"]["createStore"]["store"]["id"])
    assert created.brand_id == targets.world.other_brand.id


CREATE_STAFF = _doc("createStaff", "CreateStaffInput", "staff { id role }")


def _staff_input(role: str, store_id: int | None) -> dict:
    return {"email": "someone@acme.test", "name": "Someone", "password": "long-enough-password",
            "role": role, "storeId": store_id}


@pytest.mark.parametrize(
    ("role", "in_store"),
    [
        pytest.param("STORE_MANAGER", True, id="STORE_MANAGER-in-own-store"),
        pytest.param("HQ_OPERATOR", False, id="HQ_OPERATOR"),
        pytest.param("HQ_ADMIN", False, id="HQ_ADMIN"),
    ],
)
async def test_store_manager_cannot_create_a_manager_or_an_hq_role(gql, targets, snapshot, role, in_store):
    # given
    before = await snapshot()

    # when
    body = await gql(CREATE_STAFF, {"input": _staff_input(role, targets.store_a.id if in_store else None)},
                     token=targets.token("manager_a"), expect_errors=True)

    # then
    assert error_codes(body) == ["FORBIDDEN"]
    assert await snapshot() == before


async def test_store_manager_cannot_create_a_clerk_in_another_store(gql, targets, snapshot):
    # given
    before = await snapshot()

    # when
    body = await gql(CREATE_STAFF, {"input": _staff_input("STORE_CLERK", targets.store_b.id)},
                     token=targets.token("manager_a"), expect_errors=True)

    # then
    assert error_codes(body) == ["FORBIDDEN"]
    assert await snapshot() == before


async def test_store_manager_cannot_upsert_another_stores_member_card(gql, targets, snapshot):
    # given
    before = await snapshot()
    case = next(c for c in CASES if c.mutation == "upsertStoreMemberCard")

    # when
    body = await gql(case.document, {"input": case.input(targets)}, token=targets.token("manager_b"),
                     expect_errors=True)

    # then
    assert error_codes(body) == ["FORBIDDEN"]
    assert await snapshot() == before


@pytest.mark.parametrize("mutation", ["upsertStoreMemberCard", "setStoreMemberPrice"])
async def test_store_manager_denial_is_the_same_for_a_missing_store_as_for_another_store(
    gql, targets, mutation
):
    # given
    case = next(c for c in CASES if c.mutation == mutation)
    other_store, missing_store = case.input(targets), case.input(targets)
    other_store["storeId"], missing_store["storeId"] = targets.store_b.id, 987654321

    # when
    to_other = await gql(case.document, {"input": other_store}, token=targets.token("manager_a"),
                         expect_errors=True)
    to_missing = await gql(case.document, {"input": missing_store}, token=targets.token("manager_a"),
                           expect_errors=True)

    # then: one answer, so a denial does not tell whether the store exists
    assert error_codes(to_other) == error_codes(to_missing) == ["FORBIDDEN"]
    assert to_other["errors"][0]["message"] == to_missing["errors"][0]["message"]


async def test_store_limited_partner_cannot_register_a_member_elsewhere(gql, targets, snapshot):
    # given: a partner limited to store B
    key = await make_api_client(targets.world.admin, ["members:write"], [targets.store_b.id])
    before = await snapshot()
    case = next(c for c in CASES if c.mutation == "registerMember")

    # when
    body = await gql(case.document, {"input": case.input(targets)}, token=key, expect_errors=True)

    # then
    assert error_codes(body) == ["FORBIDDEN"]
    assert await snapshot() == before


async def test_anonymous_registration_without_brand_slug_is_unauthenticated(gql, targets, snapshot):
    # given
    before = await snapshot()
    case = next(c for c in CASES if c.mutation == "registerMember")

    # when
    body = await gql(case.document, {"input": case.input(targets)}, expect_errors=True)

    # then
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert await snapshot() == before
