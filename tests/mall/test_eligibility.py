"""Who may redeem what: tiers, stores, the sale window, per-member limits, stock and points;
and mallItems shows each caller what it may redeem."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.mall.models import MallItem
from tests.factories import make_api_client
from tests.mall.support import (
    MALL_ITEM, MALL_ITEMS, all_consistent, balance_of, give_points, member_token, payload_errors, redeem,
    tier_program, upsert_item,
)


def _iso(delta_days: float) -> str:
    return (datetime.now(UTC) + timedelta(days=delta_days)).isoformat()


async def test_member_cannot_redeem_an_item_restricted_to_another_tier(gql, shop):
    # given a programme where member A (100.00 spent) is Silver (level 1)
    await tier_program(shop)
    await give_points(shop, shop.member_a, "1.00", "qualify")  # the purchase that places it in level 1
    gold = await upsert_item(gql, shop, name="Gold cake", eligibleTiers=[2, 3])
    silver = await upsert_item(gql, shop, name="Silver cake", eligibleTiers=[1])

    refused = await redeem(gql, shop.tokens["member"], gold["id"], "r-1")
    allowed = await redeem(gql, shop.tokens["member"], silver["id"], "r-2")

    assert payload_errors(refused) == [("TIER_NOT_ELIGIBLE", "itemId")]
    assert allowed["errors"] == []
    assert await balance_of(shop.member_a) == 101 - 10


async def test_member_cannot_redeem_an_item_exclusive_to_another_store(gql, shop):
    exclusive_b = await upsert_item(gql, shop, eligibleStoreIds=[str(shop.store_b.id)])

    refused = await redeem(gql, shop.tokens["member"], exclusive_b["id"], "r-1")

    assert payload_errors(refused) == [("STORE_NOT_ELIGIBLE", "itemId")]
    assert await balance_of(shop.member_a) == 100


@pytest.mark.parametrize(("starts", "ends"), [(1, 5), (-5, -1)], ids=["not-yet", "over"])
async def test_member_cannot_redeem_outside_the_sale_window(gql, shop, starts, ends):
    item = await upsert_item(gql, shop, saleStartsAt=_iso(starts), saleEndsAt=_iso(ends))

    refused = await redeem(gql, shop.tokens["member"], item["id"], "r-1")

    assert payload_errors(refused) == [("ITEM_NOT_ON_SALE", "itemId")]


async def test_per_member_limit_counts_units_within_the_period_and_cancelled_ones_do_not_count(gql, shop):
    item = await upsert_item(gql, shop, points=1, perMemberLimit=3, limitPeriodDays=30)
    two = await redeem(gql, shop.tokens["member"], item["id"], "r-1", quantity=2)

    over = await redeem(gql, shop.tokens["member"], item["id"], "r-2", quantity=2)
    one = await redeem(gql, shop.tokens["member"], item["id"], "r-3")
    await gql("mutation($id: ID!) { cancelRedemption(input: {redemptionId: $id}) { errors { code } } }",
              {"id": two["redemption"]["id"]}, token=shop.tokens["member"])
    after_cancel = await redeem(gql, shop.tokens["member"], item["id"], "r-4", quantity=2)

    assert payload_errors(over) == [("MEMBER_LIMIT_REACHED", "quantity")]
    assert one["errors"] == [] and after_cancel["errors"] == []


async def test_out_of_stock_and_not_enough_points_keep_the_members_points(gql, shop):
    scarce = await upsert_item(gql, shop, name="Last one", stock=1)
    dear = await upsert_item(gql, shop, name="Dear", points=101)

    two = await redeem(gql, shop.tokens["member"], scarce["id"], "r-1", quantity=2)
    too_dear = await redeem(gql, shop.tokens["member"], dear["id"], "r-2")

    assert payload_errors(two) == [("OUT_OF_STOCK", "quantity")]
    assert payload_errors(too_dear) == [("INSUFFICIENT_POINTS", "quantity")]
    assert await balance_of(shop.member_a) == 100
    assert (await MallItem.get(id=int(scarce["id"]))).stock == 1
    await all_consistent()


async def test_mall_items_shows_a_member_what_it_may_redeem_with_the_reason_it_cannot_now(gql, shop):
    # given items for every case
    await tier_program(shop)
    await give_points(shop, shop.member_a, "1.00", "qualify")
    ok = await upsert_item(gql, shop, name="ok")
    gone = await upsert_item(gql, shop, name="gone", stock=0)
    dear = await upsert_item(gql, shop, name="dear", points=500)
    await upsert_item(gql, shop, name="gold", eligibleTiers=[2])
    await upsert_item(gql, shop, name="store B", eligibleStoreIds=[str(shop.store_b.id)])
    await upsert_item(gql, shop, name="later", saleStartsAt=_iso(2))
    await upsert_item(gql, shop, name="off", active=False)

    body = await gql(MALL_ITEMS, token=shop.tokens["member"])

    nodes = {e["node"]["name"]: e["node"] for e in body["data"]["mallItems"]["edges"]}
    assert set(nodes) == {"ok", "gone", "dear"}
    assert (nodes["ok"]["redeemable"], nodes["ok"]["unavailableReason"]) == (True, None)
    assert nodes["gone"]["unavailableReason"] == "OUT_OF_STOCK"
    assert nodes["dear"]["unavailableReason"] == "INSUFFICIENT_POINTS" and nodes["dear"]["redeemable"] is False
    assert {ok["id"], gone["id"], dear["id"]} == {n["id"] for n in nodes.values()}


async def test_mall_items_for_staff_and_partners(gql, shop):
    await upsert_item(gql, shop, name="everywhere")
    await upsert_item(gql, shop, name="store B", eligibleStoreIds=[str(shop.store_b.id)])
    await upsert_item(gql, shop, name="off", active=False)
    partner = await make_api_client(shop.admin, ["mall:read"])

    def names(body):
        return sorted(e["node"]["name"] for e in body["data"]["mallItems"]["edges"])

    assert names(await gql(MALL_ITEMS, token=shop.tokens["hq_operator"])) == ["everywhere", "off", "store B"]
    assert names(await gql(MALL_ITEMS, token=shop.tokens["clerk_a"])) == ["everywhere"]
    assert names(await gql(MALL_ITEMS, token=shop.tokens["manager_b"])) == ["everywhere", "store B"]
    assert names(await gql(MALL_ITEMS, token=partner)) == ["everywhere", "store B"]


async def test_mall_items_pages_and_near_expiry_filter(gql, shop):
    for i in range(5):
        await upsert_item(gql, shop, name=f"item {i}", nearExpiry=i % 2 == 0)

    first = (await gql(MALL_ITEMS, {"first": 2}, token=shop.tokens["member"]))["data"]["mallItems"]
    rest = (await gql(MALL_ITEMS, {"first": 10, "after": first["pageInfo"]["endCursor"]},
                      token=shop.tokens["member"]))["data"]["mallItems"]
    near = (await gql(MALL_ITEMS, {"nearExpiryOnly": True}, token=shop.tokens["member"]))["data"]["mallItems"]

    assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["name"] for e in first["edges"] + rest["edges"]] == [f"item {i}" for i in range(4, -1, -1)]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert sorted(e["node"]["name"] for e in near["edges"]) == ["item 0", "item 2", "item 4"]


async def test_mall_item_by_id_is_null_when_the_caller_may_not_see_it(gql, shop, tokens):
    exclusive_b = await upsert_item(gql, shop, eligibleStoreIds=[str(shop.store_b.id)])

    for_a = await gql(MALL_ITEM, {"id": exclusive_b["id"]}, token=shop.tokens["member"])
    for_b = await gql(MALL_ITEM, {"id": exclusive_b["id"]}, token=member_token(tokens, shop.member_b))
    other_brand = await gql(MALL_ITEM, {"id": exclusive_b["id"]}, token=shop.tokens["other_admin"])

    assert for_a["data"]["mallItem"] is None and other_brand["data"]["mallItem"] is None
    assert for_b["data"]["mallItem"]["id"] == exclusive_b["id"]


async def test_upsert_replaces_the_item_and_records_the_stock_change_as_a_movement(gql, shop):
    item = await upsert_item(gql, shop, stock=5)
    await redeem(gql, shop.tokens["member"], item["id"], "r-1")

    updated = await upsert_item(gql, shop, id=item["id"], name="Swiss roll XL", points=12, stock=10)
    unlimited = await upsert_item(gql, shop, id=item["id"], name="Swiss roll XL", points=12)

    assert (updated["name"], updated["pointsPrice"], updated["stock"]) == ("Swiss roll XL", 12, 10)
    assert unlimited["stock"] is None
    await all_consistent()


@pytest.mark.parametrize(("input", "field"), [
    ({"points": 0}, "pointsPrice"),
    ({"stock": -1}, "stock"),
    ({"kind": "COUPON"}, "couponTemplateId"),
    ({"eligibleTiers": [11]}, "eligibleTiers"),
    ({"eligibleStoreIds": ["987654"]}, "eligibleStoreIds"),
    ({"limitPeriodDays": 7}, "limitPeriodDays"),
    ({"cash": "1.234"}, "cash"),
    ({"saleStartsAt": "2030-01-02T00:00:00+00:00", "saleEndsAt": "2030-01-01T00:00:00+00:00"}, "saleEndsAt"),
])
async def test_upsert_refuses_bad_input_with_the_field(gql, shop, input, field):
    from tests.mall.support import UPSERT_ITEM, item_input

    body = await gql(UPSERT_ITEM, {"input": item_input(**input)}, token=shop.tokens["hq_operator"])

    assert [e["field"] for e in body["data"]["upsertMallItem"]["errors"]] == [field]
    assert not await MallItem.exists()
