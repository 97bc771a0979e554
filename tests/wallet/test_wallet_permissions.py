"""Who may call each wallet and paid-membership operation (DESIGN.md "Who may do what", API.md).

Every case aims at store A / member A of the first brand ("acme"), whose wallet holds 300.00
topped up at store A, with order o-1 paid from it and a paid membership bought just now. Exactly
the allowed callers succeed; every other caller gets a top-level FORBIDDEN (UNAUTHENTICATED
without credentials) and changes nothing. Another brand's admin acts in its own brand: it only
changes that brand's configuration, and is told the first brand's objects are not found."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from domain.wallet import membership, payments
from tests.authorization.conftest import CALLERS, denial_code
from policies import Role
from tests.factories import hq, make_api_client, make_staff
from tests.wallet.support import PLANS, error_codes, make_membership_plan, make_plan, top_up, wallet_of, wallet_snapshot

ALL_CALLERS = (*CALLERS, "partner_wallet")
NOT_FOUND_CODES = frozenset({"MEMBER_NOT_FOUND", "STORE_NOT_FOUND", "PAYMENT_NOT_FOUND"})
HQ = frozenset({"hq_operator", "hq_admin"})
AT_STORE_A = HQ | {"manager_a", "clerk_a", "partner_wallet"}
MANAGER_A = HQ | {"manager_a"}


@dataclass(frozen=True)
class Case:
    mutation: str
    input_type: str
    selection: str
    input: Callable
    allowed: frozenset[str]
    own_brand_only: frozenset[str] = frozenset()

    @property
    def document(self) -> str:
        return (f"mutation($input: {self.input_type}!) {{ {self.mutation}(input: $input) "
                f"{{ {self.selection} errors {{ code field }} }} }}")

    def expectation(self, caller: str) -> str:
        if caller in self.allowed:
            return "allowed"
        if caller in self.own_brand_only:
            return "own_brand_only"
        if caller == "other_admin":
            return "not_found"
        return "denied"


def member_at_a(w, **more) -> dict:
    return {"memberId": str(w.member_a.id), "storeId": str(w.store_a.id), **more}


CASES = [
    Case("upsertTopUpPlan", "UpsertTopUpPlanInput", "plan { id }", lambda w: {"name": "p", "payAmount": "10.00"},
         HQ, own_brand_only=frozenset({"other_admin"})),
    Case("updateWalletSettings", "UpdateWalletSettingsInput", "consumptionRule",
         lambda w: {"consumptionRule": "BONUS_FIRST"}, HQ, own_brand_only=frozenset({"other_admin"})),
    Case("topUpWallet", "TopUpWalletInput", "principal",
         lambda w: member_at_a(w, paymentReference="t-2", amount="50.00"), AT_STORE_A),
    Case("payWithWallet", "PayWithWalletInput", "principal",
         lambda w: member_at_a(w, orderId="o-2", amount="10.00"), AT_STORE_A),
    Case("refundWalletPayment", "RefundWalletPaymentInput", "principal", lambda w: {"orderId": "o-1"}, MANAGER_A),
    Case("refundWalletBalance", "RefundWalletBalanceInput", "principalRefunded",
         lambda w: member_at_a(w, refundId="r-1", reason="leaving"), MANAGER_A),
    Case("upsertPaidMembershipPlan", "UpsertPaidMembershipPlanInput", "plan { id }",
         lambda w: {"name": "Plus", "price": "199.00", "periodUnit": "MONTHS", "periodCount": 12},
         HQ, own_brand_only=frozenset({"other_admin"})),
    Case("purchasePaidMembership", "PurchasePaidMembershipInput", "membership { state }",
         lambda w: member_at_a(w, planId=str(w.membership_plan.id), paymentReference="pm-2"),
         HQ | {"manager_a", "clerk_a", "member"}),
    Case("refundPaidMembership", "RefundPaidMembershipInput", "membership { state }",
         lambda w: {"memberId": str(w.member_a.id), "refundId": "rf-1"}, MANAGER_A),
]

MATRIX = [
    pytest.param(case, caller, id=f"{case.mutation}-{caller}-{case.expectation(caller)}")
    for case in CASES for caller in ALL_CALLERS
]


@pytest.fixture
async def scene(world):
    world.tokens["partner_wallet"] = await make_api_client(world.admin, ["wallet:pay"])
    await top_up(world, "300.00", ref="t-1")
    await payments.pay_with_wallet(hq(world.admin), member_id=world.member_a.id, store_id=world.store_a.id,
                                   amount="10.00", order_id="o-1")
    world.membership_plan = await make_membership_plan(world)
    await membership.purchase_paid_membership(hq(world.admin), member_id=world.member_a.id,
                                              plan_id=world.membership_plan.id, payment_reference="pm-1")
    return world


@pytest.mark.parametrize(("case", "caller"), MATRIX)
async def test_wallet_mutation_permission(gql, scene, case: Case, caller: str):
    # given
    first_brand = scene.brand.id
    before, before_first_brand = await wallet_snapshot(), await wallet_snapshot(first_brand)

    # when
    body = await gql(case.document, {"input": case.input(scene)}, token=scene.tokens[caller], expect_errors=True)

    # then
    expected = case.expectation(caller)
    if expected == "allowed":
        assert not body.get("errors") and body["data"][case.mutation]["errors"] == [], body
        assert await wallet_snapshot(first_brand) != before_first_brand, "the allowed call changed nothing"
    elif expected == "own_brand_only":
        assert not body.get("errors") and body["data"][case.mutation]["errors"] == [], body
        assert await wallet_snapshot(first_brand) == before_first_brand
        assert await wallet_snapshot(scene.other_brand.id) != await wallet_snapshot(-1)
    elif expected == "not_found":
        assert not body.get("errors"), body
        codes = {e["code"] for e in body["data"][case.mutation]["errors"]}
        assert codes and codes <= NOT_FOUND_CODES, body
        assert await wallet_snapshot() == before
    else:
        assert error_codes(body) == [denial_code(caller)], body
        assert body["data"] is None or body["data"][case.mutation] is None, body
        assert await wallet_snapshot() == before, "a refused call changed data"


PLANS_ALLOWED = frozenset({"member", "clerk_a", "manager_a", "hq_operator", "hq_admin", "partner_wallet"})


@pytest.mark.parametrize("caller", ALL_CALLERS)
async def test_top_up_plans_of_store_a_are_read_by_its_staff_hq_members_and_wallet_partners(gql, scene, caller):
    await make_plan(scene, pay_minor=100_00)
    body = await gql(PLANS, {"storeId": str(scene.store_a.id)}, token=scene.tokens[caller], expect_errors=True)
    if caller in PLANS_ALLOWED:
        assert len(body["data"]["topUpPlans"]) == 1
    elif caller == "other_admin":
        assert body["data"] is None and error_codes(body) != []  # not its brand's store: nothing shown
    else:
        assert error_codes(body) == [denial_code(caller)]


async def test_a_member_buys_a_membership_for_itself_only(gql, scene):
    case = next(c for c in CASES if c.mutation == "purchasePaidMembership")
    before = await wallet_snapshot()
    body = await gql(case.document, {"input": case.input(scene) | {"memberId": str(scene.member_b.id)}},
                     token=scene.tokens["member"], expect_errors=True)
    assert error_codes(body) == ["FORBIDDEN"]
    assert await wallet_snapshot() == before


async def test_clerk_of_store_b_cannot_spend_bonus_restricted_to_store_a(gql, scene, tokens):
    # given 60.00 of bonus usable at store A only, and a clerk of store B
    plan = await make_plan(scene, pay_minor=100_00, bonus_minor=60_00, bonus_store_ids=[scene.store_a.id])
    await top_up(scene, plan=plan, ref="t-bonus")
    clerk_b = await make_staff(scene.admin, Role.STORE_CLERK, scene.store_b)
    token = tokens.issue(kind="staff", subject_id=clerk_b.id, brand_id=clerk_b.brand_id)
    case = next(c for c in CASES if c.mutation == "payWithWallet")

    # when it charges all the wallet holds (390.00 principal + 60.00 bonus) at store B, or at store A
    at_b = await gql(case.document, {"input": member_at_a(scene, orderId="o-b", amount="450.00") | {
        "storeId": str(scene.store_b.id)}}, token=token)
    at_a = await gql(case.document, {"input": member_at_a(scene, orderId="o-a", amount="450.00")}, token=token,
                     expect_errors=True)

    # then store B has only the principal to spend, and store A is not the clerk's store
    assert [e["code"] for e in at_b["data"]["payWithWallet"]["errors"]] == ["INSUFFICIENT_BALANCE"]
    assert error_codes(at_a) == ["FORBIDDEN"]
    assert (await wallet_of(scene.member_a)) == (390_00, 60_00)
