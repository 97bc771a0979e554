"""Federation: MallItem is an entity; Product.memberPrice combines the branch member price and
the tier discount."""

import pytest

from franchise import member_cards
from tests.factories import hq
from tests.mall.support import tier_program, upsert_item

ENTITIES = """query($reps: [_Any!]!) { _entities(representations: $reps) {
  ... on MallItem { id name pointsPrice } } }"""
MEMBER_PRICE = """query($reps: [_Any!]!, $storeId: ID!, $tier: Int) { _entities(representations: $reps) {
  ... on Product { sku memberPrice(storeId: $storeId, tierLevel: $tier) } } }"""


async def test_mall_item_entity_resolves_for_callers_that_may_see_it(gql, shop):
    item = await upsert_item(gql, shop, name="Roll", points=3)
    reps = [{"__typename": "MallItem", "id": item["id"]}, {"__typename": "MallItem", "id": "987654"}]

    mine = await gql(ENTITIES, {"reps": reps}, token=shop.tokens["member"])
    other_brand = await gql(ENTITIES, {"reps": reps[:1]}, token=shop.tokens["other_admin"])

    assert mine["data"]["_entities"] == [{"id": item["id"], "name": "Roll", "pointsPrice": 3}, None]
    assert other_brand["data"]["_entities"] == [None]


async def test_service_sdl_declares_mall_item_a_key_entity(gql):
    sdl = (await gql("{ _service { sdl } }"))["data"]["_service"]["sdl"]

    assert 'type MallItem @key(fields: "id")' in sdl


@pytest.mark.parametrize(("tier", "price", "expected"), [
    pytest.param(None, None, "20.00", id="no-tier-all-tier-price"),
    pytest.param(2, None, "18.00", id="gold-10pct-off-the-all-tier-price"),
    pytest.param(3, None, "15.50", id="black-has-its-own-branch-price"),
    pytest.param(1, None, "20.00", id="silver-no-discount"),
])
async def test_member_price_combines_branch_price_and_tier_discount(gql, shop, tier, price, expected):
    # given a tier programme (Gold 10% off, Black 20% off) and store A's prices for CAKE
    await tier_program(shop)
    await member_cards.set_store_member_price(hq(shop.admin), store_id=shop.store_a.id, sku="CAKE", price="20.00")
    await member_cards.set_store_member_price(hq(shop.admin), store_id=shop.store_a.id, sku="CAKE", price="15.50",
                                              tier_level=3)
    rep = {"__typename": "Product", "sku": "CAKE"}

    body = await gql(MEMBER_PRICE, {"reps": [rep], "storeId": str(shop.store_a.id), "tier": tier},
                     token=shop.tokens["clerk_a"])

    assert body["data"]["_entities"] == [{"sku": "CAKE", "memberPrice": expected}]


async def test_without_a_branch_price_the_tier_discount_applies_to_the_commerce_price(gql, shop):
    await tier_program(shop)
    with_price = {"__typename": "Product", "sku": "BREAD", "price": "9.99"}
    without = {"__typename": "Product", "sku": "BREAD"}

    body = await gql(MEMBER_PRICE, {"reps": [with_price, without], "storeId": str(shop.store_a.id), "tier": 2},
                     token=shop.tokens["clerk_a"])

    # 9.99 less 10% = 8.991, rounded half up to 8.99; no price at all: null
    assert [e["memberPrice"] for e in body["data"]["_entities"]] == ["8.99", None]


async def test_member_price_at_another_store_is_forbidden_for_a_store_role(gql, shop):
    body = await gql(MEMBER_PRICE, {"reps": [{"__typename": "Product", "sku": "CAKE"}],
                                    "storeId": str(shop.store_b.id)}, token=shop.tokens["clerk_a"],
                     expect_errors=True)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
