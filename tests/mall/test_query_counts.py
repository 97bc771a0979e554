"""A page of mall items or redemptions costs a constant number of SQL statements."""

from tests.mall.support import MALL_ITEMS, MEMBER_REDEMPTIONS, redeem, upsert_item


async def _statements(gql, count_queries, document, variables, token) -> int:
    with count_queries() as counter:
        await gql(document, variables, token=token)
    return counter.count


async def test_mall_items_page_for_a_member_does_not_grow_with_items(gql, shop, count_queries):
    token = shop.tokens["member"]
    for i in range(3):
        await upsert_item(gql, shop, name=f"a{i}", perMemberLimit=2, stock=5)
    few = await _statements(gql, count_queries, MALL_ITEMS, {}, token)
    for i in range(12):
        await upsert_item(gql, shop, name=f"b{i}", perMemberLimit=2, stock=5)

    many = await _statements(gql, count_queries, MALL_ITEMS, {}, token)

    assert many == few


async def test_member_redemptions_page_does_not_grow_with_redemptions(gql, shop, count_queries):
    token = shop.tokens["member"]
    template = (await gql("""mutation { createCouponTemplate(input: {name: "1 off", kind: AMOUNT_OFF,
        amountOff: "1", validDays: 9}) { template { id } } }""", token=shop.tokens["hq_operator"]))
    template_id = template["data"]["createCouponTemplate"]["template"]["id"]
    items = [await upsert_item(gql, shop, name=f"i{i}", points=1) for i in range(3)]
    items.append(await upsert_item(gql, shop, name="coupon", kind="COUPON", points=1, couponTemplateId=template_id))
    for n in (0, 3):  # a pickup and a coupon item: every kind of row is on the first page
        await redeem(gql, token, items[n]["id"], f"r-{n}")
    variables = {"id": str(shop.member_a.id)}
    few = await _statements(gql, count_queries, MEMBER_REDEMPTIONS, variables, token)
    for n in range(4, 14):
        await redeem(gql, token, items[n % 3]["id"], f"r-{n}")

    many = await _statements(gql, count_queries, MEMBER_REDEMPTIONS, variables, token)

    assert many == few
