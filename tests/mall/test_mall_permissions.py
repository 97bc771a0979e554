"""Who may call each mall and coupon operation (API.md "Mall and coupons").

Every case aims at the first brand's store A, member A (home store A, 100 points), a pickup
of member A to collect at store A, and a coupon of member A. Exactly the allowed callers
succeed; every other caller gets a top-level FORBIDDEN (UNAUTHENTICATED without credentials)
and changes nothing. Another brand's admin is told the object is not found (changing nothing)
or, for a call that names nothing of ours, acts in its own brand only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from domain.coupons import service as coupons
from domain.coupons.models import CouponKind
from domain.mall import items, redemptions
from domain.mall.models import MallItemKind
from policies import Principal
from tests.authorization.conftest import CALLERS, denial_code
from tests.factories import hq, make_api_client
from tests.mall.support import (
    MALL_ITEMS, MEMBER_COUPONS, MEMBER_REDEMPTIONS, STORE_PICKUPS, error_codes, mall_snapshot, member_token,
)

ALL_CALLERS = (*CALLERS, "partner_mall", "partner_coupons")
HQ = frozenset({"hq_operator", "hq_admin"})


@dataclass(frozen=True)
class Case:
    mutation: str
    selection: str
    input_type: str
    input: Callable
    allowed: frozenset[str]
    other_admin: str = "not_found"  # or "denied", "own_brand_only"

    @property
    def document(self) -> str:
        return (f"mutation($input: {self.input_type}!) {{ {self.mutation}(input: $input) "
                f"{{ {self.selection} errors {{ code field }} }} }}")

    def expectation(self, caller: str) -> str:
        if caller in self.allowed:
            return "allowed"
        return self.other_admin if caller == "other_admin" else "denied"


CASES = [
    Case("upsertMallItem", "item { id }", "UpsertMallItemInput",
         lambda s: {"name": "Tart", "kind": "PICKUP", "pointsPrice": 5}, HQ, other_admin="own_brand_only"),
    Case("redeemMallItem", "redemption { id }", "RedeemMallItemInput",
         lambda s: {"itemId": str(s.item.id), "idempotencyKey": "k-new"}, frozenset({"member"}),
         other_admin="denied"),
    Case("verifyRedemption", "redemption { id state }", "VerifyRedemptionInput",
         lambda s: {"code": s.pickup.verification_code, "storeId": str(s.world.store_a.id)},
         HQ | {"clerk_a", "manager_a"}),
    Case("cancelRedemption", "redemption { id state }", "CancelRedemptionInput",
         lambda s: {"redemptionId": str(s.pickup.id)}, HQ | {"member", "manager_a"}),
    Case("createCouponTemplate", "template { id }", "CreateCouponTemplateInput",
         lambda s: {"name": "5 off", "kind": "AMOUNT_OFF", "amountOff": "5", "validDays": 10}, HQ,
         other_admin="own_brand_only"),
    Case("issueCoupon", "coupon { id }", "IssueCouponInput",
         lambda s: {"memberId": str(s.world.member_a.id), "templateId": str(s.template.id), "idempotencyKey": "k-2"},
         HQ),
    Case("useCoupon", "coupon { id } discount", "UseCouponInput",
         lambda s: {"code": s.coupon.code, "storeId": str(s.world.store_a.id), "orderAmount": "30", "orderId": "o-9"},
         HQ | {"clerk_a", "manager_a", "partner_coupons"}),
]
NOT_FOUND = {"STORE_NOT_FOUND", "MEMBER_NOT_FOUND", "COUPON_TEMPLATE_NOT_FOUND", "REDEMPTION_NOT_FOUND",
             "COUPON_NOT_FOUND"}


@dataclass
class Scene:
    world: object
    item: object
    pickup: object
    template: object
    coupon: object


@pytest.fixture
async def scene(shop) -> Scene:
    shop.tokens["partner_mall"] = await make_api_client(shop.admin, ["mall:read"])
    shop.tokens["partner_coupons"] = await make_api_client(shop.admin, ["coupons:use"])
    operator = hq(shop.admin)
    item = await items.upsert_mall_item(operator, items.ItemInput(name="Roll", kind=MallItemKind.PICKUP,
                                                                  points_price=10))
    member = Principal.member(member_id=shop.member_a.id, brand_id=shop.brand.id)
    pickup = (await redemptions.redeem_mall_item(member, item_id=item.id, quantity=1, idempotency_key="k-1")).redemption
    template = await coupons.create_coupon_template(operator, coupons.TemplateInput(
        name="10 off", kind=CouponKind.AMOUNT_OFF, amount_off="10", valid_days=30))
    coupon, _ = await coupons.issue_coupon(operator, member_id=shop.member_a.id, template_id=template.id,
                                           idempotency_key="k-1")
    return Scene(shop, item, pickup, template, coupon)


MATRIX = [pytest.param(case, caller, id=f"{case.mutation}-{caller}-{case.expectation(caller)}")
          for case in CASES for caller in ALL_CALLERS]


@pytest.mark.parametrize(("case", "caller"), MATRIX)
async def test_mall_mutation_permission(gql, scene, case: Case, caller: str):
    # given
    first_brand = scene.world.brand.id
    before, before_first = await mall_snapshot(), await mall_snapshot(first_brand)

    # when
    body = await gql(case.document, {"input": case.input(scene)}, token=scene.world.tokens[caller],
                     expect_errors=True)

    # then
    expected = case.expectation(caller)
    if expected == "allowed":
        assert not body.get("errors") and body["data"][case.mutation]["errors"] == [], body
        assert await mall_snapshot(first_brand) != before_first, "the allowed call changed nothing"
    elif expected == "own_brand_only":
        assert not body.get("errors") and body["data"][case.mutation]["errors"] == [], body
        assert await mall_snapshot(first_brand) == before_first
    elif expected == "not_found":
        assert not body.get("errors"), body
        codes = {e["code"] for e in body["data"][case.mutation]["errors"]}
        assert codes and codes <= NOT_FOUND, body
        assert await mall_snapshot() == before
    else:
        assert error_codes(body) == [denial_code(caller)], body
        assert body["data"] is None or body["data"][case.mutation] is None, body
        assert await mall_snapshot() == before, "a refused call changed data"


# --- store confinement of the store operations --------------------------------------------------

async def test_manager_of_another_store_cannot_cancel_or_verify_at_store_a(gql, scene):
    before = await mall_snapshot()
    verify = next(c for c in CASES if c.mutation == "verifyRedemption")
    cancel = next(c for c in CASES if c.mutation == "cancelRedemption")

    at_a = await gql(verify.document, {"input": verify.input(scene)}, token=scene.world.tokens["manager_b"],
                     expect_errors=True)
    cancelled = await gql(cancel.document, {"input": cancel.input(scene)}, token=scene.world.tokens["manager_b"],
                          expect_errors=True)
    missing = await gql(cancel.document, {"input": {"redemptionId": "987654321"}},
                        token=scene.world.tokens["manager_b"], expect_errors=True)

    assert error_codes(at_a) == error_codes(cancelled) == error_codes(missing) == ["FORBIDDEN"]
    assert await mall_snapshot() == before


async def test_member_cannot_cancel_another_members_redemption(gql, scene, tokens):
    cancel = next(c for c in CASES if c.mutation == "cancelRedemption")

    body = await gql(cancel.document, {"input": cancel.input(scene)},
                     token=member_token(tokens, scene.world.member_b), expect_errors=True)

    assert error_codes(body) == ["FORBIDDEN"]


async def test_store_limited_coupon_partner_uses_coupons_at_its_stores_only(gql, scene):
    key = await make_api_client(scene.world.admin, ["coupons:use"], [scene.world.store_b.id])
    use = next(c for c in CASES if c.mutation == "useCoupon")

    at_a = await gql(use.document, {"input": use.input(scene)}, token=key, expect_errors=True)
    at_b = await gql(use.document, {"input": use.input(scene) | {"storeId": str(scene.world.store_b.id)}},
                     token=key)

    assert error_codes(at_a) == ["FORBIDDEN"]
    assert at_b["data"]["useCoupon"]["errors"] == []


# --- queries -------------------------------------------------------------------------------------

MALL_READERS = frozenset({"member", "clerk_a", "manager_a", "manager_b", "partner_mall"}) | HQ


@pytest.mark.parametrize("caller", [
    pytest.param(c, id=f"{c}-{'allowed' if c in MALL_READERS else 'denied'}") for c in ALL_CALLERS
    if c != "other_admin"])
async def test_mall_items_permission(gql, scene, caller):
    body = await gql(MALL_ITEMS, token=scene.world.tokens[caller], expect_errors=True)

    if caller in MALL_READERS:
        assert [e["node"]["id"] for e in body["data"]["mallItems"]["edges"]] == [str(scene.item.id)], body
    else:
        assert error_codes(body) == [denial_code(caller)]


async def test_another_brands_admin_sees_only_its_own_mall(gql, scene):
    body = await gql(MALL_ITEMS, token=scene.world.tokens["other_admin"])

    assert body["data"]["mallItems"]["totalCount"] == 0


PICKUP_READERS = frozenset({"clerk_a", "manager_a"}) | HQ


@pytest.mark.parametrize("caller", [
    pytest.param(c, id=f"{c}-{'allowed' if c in PICKUP_READERS else 'denied'}") for c in ALL_CALLERS])
async def test_store_pickups_permission(gql, scene, caller):
    body = await gql(STORE_PICKUPS, {"storeId": str(scene.world.store_a.id)}, token=scene.world.tokens[caller],
                     expect_errors=True)

    if caller in PICKUP_READERS:
        assert body["data"]["storePickups"]["totalCount"] == 1, body
    elif caller == "other_admin":
        assert error_codes(body) == ["STORE_NOT_FOUND"]
    else:
        assert error_codes(body) == [denial_code(caller)]


MEMBER_VIEW_READERS = frozenset({"member", "clerk_a", "manager_a"}) | HQ


@pytest.mark.parametrize("document,field", [(MEMBER_REDEMPTIONS, "redemptions"), (MEMBER_COUPONS, "coupons")])
@pytest.mark.parametrize("caller", [
    pytest.param(c, id=f"{c}-{'allowed' if c in MEMBER_VIEW_READERS else 'denied'}") for c in ALL_CALLERS
    if c != "other_admin"])
async def test_member_redemptions_and_coupons_permission(gql, scene, caller, document, field):
    body = await gql(document, {"id": str(scene.world.member_a.id)}, token=scene.world.tokens[caller],
                     expect_errors=True)

    if caller in MEMBER_VIEW_READERS:
        assert body["data"]["member"][field]["totalCount"] == 1, body
    else:
        assert error_codes(body) == [denial_code(caller)]
        assert body["data"] is None or body["data"]["member"] is None


async def test_another_brands_admin_cannot_read_our_members_redemptions(gql, scene):
    body = await gql(MEMBER_REDEMPTIONS, {"id": str(scene.world.member_a.id)},
                     token=scene.world.tokens["other_admin"])

    assert body["data"]["member"] is None
