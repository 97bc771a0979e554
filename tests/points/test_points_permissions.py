"""Who may call each points operation, per DESIGN.md "Who may do what" and API.md.

Every case aims at store A / member A of the first brand ("acme"), where member A already
earned for order o-1 at store A. Exactly the allowed callers succeed; every other caller gets a
top-level FORBIDDEN (UNAUTHENTICATED without credentials) and changes nothing. Another brand's
admin acts in its own brand: it changes only that brand's rules, and is told that the first
brand's member, store or order is not found, changing nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from domain.points import purchases, rules
from domain.points.models import PointsRules
from tests.authorization.conftest import CALLERS, denial_code
from tests.factories import hq, make_api_client
from tests.points.support import ESTIMATE, RULES, error_codes, points_snapshot, purchase_input

# A partner app with the scope that earns and refunds points.
ALL_CALLERS = (*CALLERS, "partner_earn")
NOT_FOUND_CODES = frozenset({"MEMBER_NOT_FOUND", "STORE_NOT_FOUND", "PURCHASE_NOT_FOUND"})


@dataclass(frozen=True)
class Case:
    mutation: str
    document: str
    input: Callable
    allowed: frozenset[str]
    # Nothing of the first brand is named: the call acts in the caller's own brand.
    own_brand_only: frozenset[str] = frozenset()

    def expectation(self, caller: str) -> str:
        if caller in self.allowed:
            return "allowed"
        if caller in self.own_brand_only:
            return "own_brand_only"
        if caller == "other_admin":
            return "not_found"
        return "denied"


def _doc(name: str, input_type: str, selection: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} errors {{ code field }} }} }}"


CASES = [
    Case(
        "updatePointsRules",
        _doc("updatePointsRules", "UpdatePointsRulesInput", "rules { version earnPoints }"),
        lambda w: {"earnPoints": 5},
        frozenset({"hq_admin"}), own_brand_only=frozenset({"other_admin"}),
    ),
    Case(
        "adjustPoints",
        _doc("adjustPoints", "AdjustPointsInput", "entry { id } balance"),
        lambda w: {"memberId": str(w.member_a.id), "delta": 10, "reason": "goodwill", "idempotencyKey": "k-1"},
        frozenset({"hq_admin"}),
    ),
    Case(
        "recordPurchase",
        _doc("recordPurchase", "RecordPurchaseInput", "pointsEarned balance purchase { id }"),
        lambda w: purchase_input(w, "o-2", "20.00"),
        frozenset({"hq_admin", "hq_operator", "manager_a", "clerk_a", "partner_earn"}),
    ),
    Case(
        "refundPurchase",
        _doc("refundPurchase", "RefundPurchaseInput", "pointsReversed balance purchase { id }"),
        lambda w: {"orderId": "o-1", "refundId": "r-1", "amount": "10.00"},
        frozenset({"hq_admin", "hq_operator", "manager_a", "partner_earn"}),
    ),
]

MATRIX = [
    pytest.param(case, caller, id=f"{case.mutation}-{caller}-{case.expectation(caller)}")
    for case in CASES
    for caller in ALL_CALLERS
]


@pytest.fixture
async def scene(world):
    """The world, a points-earning partner, the rules stored, and order o-1 earned at store A."""
    world.tokens["partner_earn"] = await make_api_client(world.admin, ["points:earn"])
    await rules.current_rules(world.brand.id)
    await rules.current_rules(world.other_brand.id)
    await purchases.record_purchase(hq(world.admin), member_id=world.member_a.id, store_id=world.store_a.id,
                                    amount="50.00", order_id="o-1", channel=purchases.Channel.STORE)
    return world


async def call(gql, case: Case, world, caller: str) -> dict:
    return await gql(case.document, {"input": case.input(world)}, token=world.tokens[caller], expect_errors=True)


def assert_denied(body: dict, mutation: str, caller: str) -> None:
    assert error_codes(body) == [denial_code(caller)], body
    assert body["data"] is None or body["data"][mutation] is None, body


@pytest.mark.parametrize(("case", "caller"), MATRIX)
async def test_points_mutation_permission(gql, scene, case: Case, caller: str):
    # given
    first_brand = scene.brand.id
    before, before_first_brand = await points_snapshot(), await points_snapshot(first_brand)

    # when
    body = await call(gql, case, scene, caller)

    # then
    expected = case.expectation(caller)
    if expected == "allowed":
        payload = body["data"][case.mutation]
        assert not body.get("errors") and payload["errors"] == [], body
        assert await points_snapshot(first_brand) != before_first_brand, "the allowed call changed nothing"
    elif expected == "own_brand_only":
        assert not body.get("errors") and body["data"][case.mutation]["errors"] == [], body
        assert await points_snapshot(first_brand) == before_first_brand
        assert await PointsRules.filter(brand_id=scene.other_brand.id).count() == 2
    elif expected == "not_found":
        assert not body.get("errors"), body
        codes = {e["code"] for e in body["data"][case.mutation]["errors"]}
        assert codes and codes <= NOT_FOUND_CODES, body
        assert await points_snapshot() == before
    else:
        assert_denied(body, case.mutation, caller)
        assert await points_snapshot() == before, "a refused call changed data"


# --- store confinement ---------------------------------------------------------------------------

RECORD = next(c for c in CASES if c.mutation == "recordPurchase")
REFUND = next(c for c in CASES if c.mutation == "refundPurchase")


async def test_clerk_of_store_a_cannot_record_a_purchase_at_store_b(gql, scene):
    before = await points_snapshot()

    body = await gql(RECORD.document, {"input": purchase_input(scene, "o-2", "20.00", store=scene.store_b)},
                     token=scene.tokens["clerk_a"], expect_errors=True)

    assert_denied(body, "recordPurchase", "clerk_a")
    assert await points_snapshot() == before


async def test_clerk_denial_is_the_same_for_a_missing_store_as_for_another_store(gql, scene):
    other = purchase_input(scene, "o-2", "20.00", store=scene.store_b)
    missing = other | {"storeId": "987654321"}

    to_other = await gql(RECORD.document, {"input": other}, token=scene.tokens["clerk_a"], expect_errors=True)
    to_missing = await gql(RECORD.document, {"input": missing}, token=scene.tokens["clerk_a"], expect_errors=True)

    assert error_codes(to_other) == error_codes(to_missing) == ["FORBIDDEN"]
    assert to_other["errors"][0]["message"] == to_missing["errors"][0]["message"]


async def test_store_limited_partner_earns_at_its_stores_only(gql, scene):
    # given a POS key for store B
    key = await make_api_client(scene.admin, ["points:earn"], [scene.store_b.id])
    before = await points_snapshot()

    # when it records at store A, then at store B
    at_a = await gql(RECORD.document, {"input": purchase_input(scene, "o-2", "20.00")}, token=key,
                     expect_errors=True)
    assert_denied(at_a, "recordPurchase", "partner")
    assert await points_snapshot() == before
    at_b = await gql(RECORD.document, {"input": purchase_input(scene, "o-3", "20.00", store=scene.store_b)},
                     token=key)

    # then only store B's purchase earned
    assert at_b["data"]["recordPurchase"]["pointsEarned"] == 20


@pytest.mark.parametrize(("caller", "allowed"), [
    pytest.param("manager_b", True, id="manager_b-of-the-purchase-store-allowed"),
    pytest.param("manager_a", False, id="manager_a-of-another-store-denied"),
])
async def test_refund_belongs_to_the_manager_of_the_purchase_store(gql, scene, caller, allowed):
    # given an order of member A earned at store B
    await purchases.record_purchase(hq(scene.admin), member_id=scene.member_a.id, store_id=scene.store_b.id,
                                    amount="40.00", order_id="o-b", channel=purchases.Channel.STORE)
    before = await points_snapshot()

    body = await gql(REFUND.document, {"input": {"orderId": "o-b", "refundId": "r-1", "amount": "40.00"}},
                     token=scene.tokens[caller], expect_errors=True)

    if allowed:
        assert body["data"]["refundPurchase"]["pointsReversed"] == 40
    else:
        assert_denied(body, "refundPurchase", caller)
        assert await points_snapshot() == before


# --- queries -----------------------------------------------------------------------------------

ESTIMATE_ALLOWED = frozenset({"member", "clerk_a", "manager_a", "hq_operator", "hq_admin", "partner_earn"})


@pytest.mark.parametrize("caller", [
    pytest.param(c, id=f"{c}-{'allowed' if c in ESTIMATE_ALLOWED else 'denied'}")
    for c in ALL_CALLERS if c != "other_admin"
])
async def test_estimate_points_permission(gql, scene, caller):
    variables = {"memberId": str(scene.member_a.id), "storeId": str(scene.store_a.id), "amount": "30.00"}

    body = await gql(ESTIMATE, variables, token=scene.tokens[caller], expect_errors=True)

    if caller in ESTIMATE_ALLOWED:
        assert body["data"]["estimatePoints"] == {"points": 30}, body
    else:
        assert error_codes(body) == [denial_code(caller)]
        assert body["data"] is None


async def test_member_cannot_estimate_for_another_member(gql, scene):
    variables = {"memberId": str(scene.member_b.id), "storeId": str(scene.store_a.id), "amount": "30.00"}

    body = await gql(ESTIMATE, variables, token=scene.tokens["member"], expect_errors=True)

    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"] is None


async def test_another_brands_admin_cannot_estimate_at_our_store(gql, scene):
    variables = {"memberId": str(scene.member_a.id), "storeId": str(scene.store_a.id), "amount": "30.00"}

    body = await gql(ESTIMATE, variables, token=scene.tokens["other_admin"], expect_errors=True)

    assert body["data"] is None
    assert error_codes(body) in (["STORE_NOT_FOUND"], ["FORBIDDEN"])


RULES_READERS = frozenset({"clerk_a", "manager_a", "manager_b", "hq_operator", "hq_admin", "partner_earn"})


@pytest.mark.parametrize("caller", [
    pytest.param(c, id=f"{c}-{'allowed' if c in RULES_READERS else 'denied'}")
    for c in ALL_CALLERS if c != "other_admin"
])
async def test_points_rules_are_read_by_staff_and_earning_partners(gql, scene, caller):
    body = await gql(RULES, token=scene.tokens[caller], expect_errors=True)

    if caller in RULES_READERS:
        assert body["data"]["pointsRules"]["version"] == 1, body
    else:
        assert error_codes(body) == [denial_code(caller)]


async def test_another_brands_admin_reads_its_own_rules(gql, scene):
    await rules.update_points_rules(hq(scene.admin), rules.RulesInput(earn_points=7))

    body = await gql(RULES, token=scene.tokens["other_admin"])

    assert body["data"]["pointsRules"]["earnPoints"] == 1
