"""Queries through a real Apollo gateway (@apollo/gateway over the committed supergraph) that
cross our subgraph and a commerce subgraph written with Apollo's libraries; the caller's token
is forwarded, and our permissions apply to `_entities` exactly as to root fields."""

import pytest

from tests.federation.support import write_commerce_data
from tests.points.support import error_codes, purchase_input, record

TIERS = """mutation($levels: [TierLevelInput!]!) {
  updateTierProgram(input: {mode: SPEND, evaluationMonths: 12, levels: $levels}) { errors { code } } }"""
LEVELS = [
    {"level": 1, "name": "Silver", "threshold": "0"},
    {"level": 2, "name": "Gold", "threshold": "1000", "pointsMultiplier": "1.5"},
    {"level": 3, "name": "Black", "threshold": "5000", "pointsMultiplier": "2"},
]
SET_PRICE = """mutation($input: SetStoreMemberPriceInput!) { setStoreMemberPrice(input: $input) { errors { code } } }"""

PRODUCT = """query($sku: String!, $storeId: ID!, $tier: Int, $memberId: ID!) {
  product(sku: $sku) { sku name price memberPrice(storeId: $storeId, tierLevel: $tier)
                       estimatedPoints(storeId: $storeId, memberId: $memberId) } }"""
ORDER = """query($id: ID!) {
  order(id: $id) { id amount pointsEarned member { id name tier { level name } } } }"""
BUYER = """query($id: ID!) { order(id: $id) { id amount buyer { id name homeStore { code } } } }"""
MEMBER = """query($id: ID!) { member(id: $id) { id name } }"""


@pytest.fixture
def commerce(commerce_data, world):
    """The commerce graph's catalogue and orders for this test's world."""
    write_commerce_data(
        commerce_data,
        products=[{"sku": "CAKE-1", "name": "Matcha cheesecake", "price": "128.80"}],
        orders=[{"id": "SHOP-1", "memberId": str(world.member_a.id), "amount": "1200.00"},
                {"id": "SHOP-2", "memberId": str(world.member_b.id), "amount": "30.00"}],
    )


async def test_product_shows_its_member_price_and_the_points_a_member_would_earn(
        gql, through_gateway, world, commerce):
    # given a tier-2 member price of store A for the commerce graph's product
    await gql(SET_PRICE, {"input": {"storeId": str(world.store_a.id), "sku": "CAKE-1", "price": "99.00",
                                    "tierLevel": 2}}, token=world.tokens["manager_a"])

    # when a member asks the gateway for the product (price from commerce, the rest from us)
    body = await through_gateway(PRODUCT, {"sku": "CAKE-1", "storeId": str(world.store_a.id), "tier": 2,
                                           "memberId": str(world.member_a.id)}, token=world.tokens["member"])

    # then one answer from both graphs: 128.80 at the default 1 point per yuan earns 128
    assert "errors" not in body, body
    assert body["data"]["product"] == {"sku": "CAKE-1", "name": "Matcha cheesecake", "price": "128.80",
                                       "memberPrice": "99.00", "estimatedPoints": 128}


async def test_order_shows_the_points_it_earned_and_its_members_tier(gql, through_gateway, world, commerce):
    # given a tier programme and the commerce order recorded with us (1200.00 reaches Gold)
    await gql(TIERS, {"levels": LEVELS}, token=world.tokens["hq_admin"])
    await record(gql, world.tokens["clerk_a"], purchase_input(world, "SHOP-1", "1200.00"))

    # when store A's manager asks the gateway for the order
    body = await through_gateway(ORDER, {"id": "SHOP-1"}, token=world.tokens["manager_a"])

    # then the amount from commerce, points and member with its tier from us
    assert "errors" not in body, body
    assert body["data"]["order"] == {
        "id": "SHOP-1", "amount": "1200.00", "pointsEarned": 1200,
        "member": {"id": str(world.member_a.id), "name": "Han Meimei", "tier": {"level": 2, "name": "Gold"}},
    }


async def test_order_of_the_commerce_graph_resolves_its_buyer_as_our_member_entity(through_gateway, world, commerce):
    # commerce knows only the member id: the gateway fetches the Member through our _entities
    body = await through_gateway(BUYER, {"id": "SHOP-1"}, token=world.tokens["hq_operator"])

    assert "errors" not in body, body
    assert body["data"]["order"] == {"id": "SHOP-1", "amount": "1200.00",
                                     "buyer": {"id": str(world.member_a.id), "name": "Han Meimei",
                                               "homeStore": {"code": "A"}}}


async def test_store_manager_gets_no_member_of_another_store_through_entities_or_root_fields(
        gql, through_gateway, world, commerce):
    await record(gql, world.tokens["clerk_a"], purchase_input(world, "SHOP-1", "1200.00"))
    token = world.tokens["manager_b"]

    # when store B's manager reaches store A's member through _entities (commerce's buyer, our
    # Order.member) and through the root field
    buyer = await through_gateway(BUYER, {"id": "SHOP-1"}, token=token)
    member_of_order = await through_gateway(ORDER, {"id": "SHOP-1"}, token=token)
    root = await through_gateway(MEMBER, {"id": str(world.member_a.id)}, token=token)

    # then the same FORBIDDEN each time, and not one field of the member
    for body in (buyer, member_of_order, root):
        assert set(error_codes(body)) == {"FORBIDDEN"}, body
    assert buyer["data"]["order"] == {"id": "SHOP-1", "amount": "1200.00", "buyer": None}
    assert member_of_order["data"]["order"]["member"] is None
    assert member_of_order["data"]["order"]["pointsEarned"] is None
    assert root["data"]["member"] is None


async def test_store_manager_reads_the_buyer_of_its_own_stores_order(through_gateway, world, commerce):
    own = await through_gateway(BUYER, {"id": "SHOP-2"}, token=world.tokens["manager_b"])

    assert "errors" not in own, own
    assert own["data"]["order"]["buyer"]["id"] == str(world.member_b.id)


@pytest.mark.parametrize("caller", ["hq_admin", "hq_operator", "manager_a", "clerk_a", "member", "partner"])
async def test_every_caller_who_may_read_the_member_reads_the_buyer_through_the_gateway(through_gateway, world,
                                                                                      commerce, caller):
    body = await through_gateway(BUYER, {"id": "SHOP-1"}, token=world.tokens[caller])

    assert "errors" not in body, body
    assert body["data"]["order"]["buyer"]["id"] == str(world.member_a.id)


async def test_gateway_forwards_no_token_as_none(through_gateway, world, commerce):
    body = await through_gateway(BUYER, {"id": "SHOP-1"})

    assert error_codes(body) == ["UNAUTHENTICATED"], body
    assert body["data"]["order"]["buyer"] is None


async def test_another_brands_admin_finds_no_such_member_through_entities_or_root_fields(through_gateway, world,
                                                                                      commerce):
    token = world.tokens["other_admin"]

    buyer = await through_gateway(BUYER, {"id": "SHOP-1"}, token=token)
    root = await through_gateway(MEMBER, {"id": str(world.member_a.id)}, token=token)

    # another brand's member is unknown to it, as an id that does not exist: null, no error
    assert "errors" not in buyer and "errors" not in root, (buyer, root)
    assert buyer["data"]["order"]["buyer"] is None and root["data"]["member"] is None
