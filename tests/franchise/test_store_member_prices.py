"""setStoreMemberPrice, read back through the federated Product.memberPrice."""

import pytest

from franchise.models import StoreMemberPrice

SET_PRICE = """
mutation($input: SetStoreMemberPriceInput!) {
  setStoreMemberPrice(input: $input) {
    price { sku storeId tierLevel price updatedAt }
    errors { code field message }
  }
}"""
MEMBER_PRICE = """
query($reps: [_Any!]!, $storeId: ID!, $tier: Int) {
  _entities(representations: $reps) { ... on Product { sku memberPrice(storeId: $storeId, tierLevel: $tier) } }
}"""


def product(sku: str) -> dict:
    return {"__typename": "Product", "sku": sku}


async def set_price(gql, token, store, price, sku="CAKE-1", tier=None, **kw):
    body = await gql(SET_PRICE, {"input": {"storeId": str(store.id), "sku": sku, "price": price,
                                           "tierLevel": tier}}, token=token, **kw)
    return body if kw.get("expect_errors") else body["data"]["setStoreMemberPrice"]


async def member_price(gql, token, store, tier, skus=("CAKE-1",)):
    body = await gql(MEMBER_PRICE, {"reps": [product(s) for s in skus], "storeId": str(store.id), "tier": tier},
                     token=token)
    return [e["memberPrice"] for e in body["data"]["_entities"]]


async def test_manager_sets_all_tier_and_tier_prices_read_through_federation(gql, world, audit_trail,
                                                                           manager_a_actor):
    token = world.tokens["manager_a"]
    # given
    every_tier = await set_price(gql, token, world.store_a, "12.50")
    tier_two = await set_price(gql, token, world.store_a, "9.90", tier=2)

    # then
    assert every_tier["errors"] == [] and tier_two["errors"] == []
    assert every_tier["price"] | {"updatedAt": None} == {
        "sku": "CAKE-1", "storeId": str(world.store_a.id), "tierLevel": None, "price": "12.50", "updatedAt": None}
    assert tier_two["price"]["tierLevel"] == 2 and tier_two["price"]["price"] == "9.90"
    # tier 2 pays its own price, other tiers and no tier the all-tier price, other SKUs have none
    assert await member_price(gql, token, world.store_a, 2, skus=("CAKE-1", "BREAD-9")) == ["9.90", None]
    assert await member_price(gql, token, world.store_a, 3) == ["12.50"]
    assert await member_price(gql, token, world.store_a, None) == ["12.50"]
    # another store of the brand has no price for it
    assert await member_price(gql, world.tokens["hq_operator"], world.store_b, 2) == [None]
    entries = await audit_trail("store_price.set")
    assert [e.object_id for e in entries] == [f"{world.store_a.id}:CAKE-1:0", f"{world.store_a.id}:CAKE-1:2"]
    assert entries[0].changes == {"price": [None, "12.50"]}
    assert all(e.store_id == world.store_a.id and e.actor == manager_a_actor for e in entries)


async def test_setting_a_price_again_updates_the_row_and_audits_old_and_new(gql, world, audit_trail):
    token = world.tokens["manager_a"]
    await set_price(gql, token, world.store_a, "12.50", tier=1)

    again = await set_price(gql, token, world.store_a, "11", tier=1)
    same = await set_price(gql, token, world.store_a, "11.00", tier=1)

    assert again["price"]["price"] == "11.00" and same["errors"] == []
    assert await StoreMemberPrice.filter(store_id=world.store_a.id, sku="CAKE-1").count() == 1
    assert [e.changes for e in await audit_trail("store_price.set")] == [
        {"price": [None, "12.50"]}, {"price": ["12.50", "11.00"]},
    ]
    assert await member_price(gql, token, world.store_a, 1) == ["11.00"]


@pytest.mark.parametrize("price", ["12.345", "-1", "-0.01", "0.001"])
async def test_price_with_more_than_two_decimals_or_negative_is_invalid_amount(gql, world, price):
    payload = await set_price(gql, world.tokens["manager_a"], world.store_a, price)

    assert payload["price"] is None
    assert payload["errors"][0] | {"message": None} == {"code": "INVALID_AMOUNT", "field": "price", "message": None}
    assert not await StoreMemberPrice.exists()


async def test_price_input_checks(gql, world):
    token = world.tokens["manager_a"]
    bad_tier = await set_price(gql, token, world.store_a, "10", tier=11)
    long_sku = await set_price(gql, token, world.store_a, "10", sku="S" * 65)
    free = await set_price(gql, token, world.store_a, "0", sku="GIFT")

    assert (bad_tier["errors"][0]["code"], bad_tier["errors"][0]["field"]) == ("INVALID_INPUT", "tierLevel")
    assert (long_sku["errors"][0]["code"], long_sku["errors"][0]["field"]) == ("TOO_LONG", "sku")
    assert free["price"]["price"] == "0.00"


@pytest.mark.parametrize("caller", ["manager_b", "clerk_a", "hq_operator", "partner", "member"])
async def test_who_may_not_set_store_a_prices(gql, world, caller):
    body = await set_price(gql, world.tokens[caller], world.store_a, "10", expect_errors=True)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert not await StoreMemberPrice.exists()


async def test_member_prices_are_not_read_across_stores_or_brands(gql, world):
    await set_price(gql, world.tokens["manager_a"], world.store_a, "12.50")

    other_store = await gql(MEMBER_PRICE, {"reps": [product("CAKE-1")], "storeId": str(world.store_a.id)},
                            token=world.tokens["manager_b"], expect_errors=True)
    other_brand = await member_price(gql, world.tokens["other_admin"], world.store_a, None)
    anonymous = await gql(MEMBER_PRICE, {"reps": [product("CAKE-1")], "storeId": str(world.store_a.id)},
                          expect_errors=True)

    assert other_store["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert other_store["data"]["_entities"][0]["memberPrice"] is None
    assert other_brand == [None]
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
