"""Coupon templates, issuing (limits, idempotency), using at a store (stores, dates, minimum
spend, owner, once per order) and Member.coupons with status."""

from datetime import UTC, datetime, timedelta

import pytest

from domain.coupons import service
from domain.coupons.models import Coupon, CouponKind, CouponStatus, CouponTemplate
from domain.coupons.verify import verify_coupons
from domain.mall.models import MallItem
from franchise.errors import DomainError
from tests.factories import hq
from tests.mall.support import (
    CREATE_TEMPLATE, ISSUE, MEMBER_COUPONS, USE, all_consistent, balance_of, payload_errors, redeem, upsert_item,
)

NOW = datetime.now(UTC)


def _iso(days: float) -> str:
    return (NOW + timedelta(days=days)).isoformat()


async def create_template(gql, world, **input) -> dict:
    input = {"name": "10 off", "kind": "AMOUNT_OFF", "amountOff": "10", "validDays": 30, **input}
    body = await gql(CREATE_TEMPLATE, {"input": input}, token=world.tokens["hq_operator"])
    return body["data"]["createCouponTemplate"]


async def issue(gql, world, template_id, key: str, member=None) -> dict:
    input = {"memberId": str((member or world.member_a).id), "templateId": template_id, "idempotencyKey": key}
    return (await gql(ISSUE, {"input": input}, token=world.tokens["hq_operator"]))["data"]["issueCoupon"]


async def use(gql, world, code: str, order_id: str, amount: str = "100.00", store=None, token="clerk_a",
              **more) -> dict:
    input = {"code": code, "storeId": str((store or world.store_a).id), "orderAmount": amount, "orderId": order_id,
             **more}
    return (await gql(USE, {"input": input}, token=world.tokens[token]))["data"]["useCoupon"]


async def test_hq_creates_templates_of_every_kind(gql, shop):
    amount = await create_template(gql, shop, minSpend="50", storeIds=[str(shop.store_a.id)], perMemberLimit=2)
    percent = await create_template(gql, shop, name="20%", kind="PERCENT_OFF", amountOff=None, percentOff=20,
                                    maxDiscount="15", validDays=None, validUntil=_iso(10))
    gift = await create_template(gql, shop, name="Free latte", kind="GIFT", amountOff=None, giftItem="Latte")

    assert amount["errors"] == percent["errors"] == gift["errors"] == []
    assert amount["template"] | {"id": None} == {
        "id": None, "name": "10 off", "kind": "AMOUNT_OFF", "amountOff": "10.00", "percentOff": 0,
        "maxDiscount": None, "giftItem": "", "minSpend": "50.00", "storeIds": [str(shop.store_a.id)],
        "validFrom": None, "validUntil": None, "validDays": 30, "perMemberLimit": 2, "issuedCount": 0,
        "usedCount": 0}
    assert (percent["template"]["percentOff"], percent["template"]["maxDiscount"]) == (20, "15.00")
    assert gift["template"]["giftItem"] == "Latte"


@pytest.mark.parametrize(("input", "field"), [
    ({"amountOff": None}, "amountOff"),
    ({"kind": "PERCENT_OFF", "amountOff": None, "percentOff": 100}, "percentOff"),
    ({"kind": "GIFT", "amountOff": None}, "giftItem"),
    ({"validDays": None}, "validDays"),
    ({"validUntil": "2030-01-01T00:00:00+00:00"}, "validDays"),
    ({"storeIds": ["987654"]}, "storeIds"),
    ({"minSpend": "-1"}, "minSpend"),
    ({"perMemberLimit": 0}, "perMemberLimit"),
])
async def test_template_input_is_checked(gql, shop, input, field):
    payload = await create_template(gql, shop, **input)

    assert [e["field"] for e in payload["errors"]] == [field]
    assert not await CouponTemplate.exists()


async def test_issue_gives_each_coupon_its_own_code_once_per_key_within_the_member_limit(gql, shop):
    template = (await create_template(gql, shop, perMemberLimit=2))["template"]

    first = await issue(gql, shop, template["id"], "k-1")
    replay = await issue(gql, shop, template["id"], "k-1")
    second = await issue(gql, shop, template["id"], "k-2")
    third = await issue(gql, shop, template["id"], "k-3")
    for_b = await issue(gql, shop, template["id"], "k-4", member=shop.member_b)

    assert first["errors"] == [] and first["replayed"] is False
    assert first["coupon"]["status"] == "UNUSED" and first["coupon"]["source"] == "HQ"
    assert replay["replayed"] is True and replay["coupon"]["id"] == first["coupon"]["id"]
    assert first["coupon"]["code"] != second["coupon"]["code"]
    assert payload_errors(third) == [("COUPON_LIMIT_REACHED", "templateId")]
    assert for_b["errors"] == []
    assert (await CouponTemplate.get(id=int(template["id"]))).issued_count == 3
    assert await verify_coupons() == []


async def test_issue_coupon_to_member_is_idempotent_and_refuses_another_member_on_the_same_key(shop):
    template = await service.create_coupon_template(
        hq(shop.admin), service.TemplateInput(name="t", kind=CouponKind.AMOUNT_OFF, amount_off="1", valid_days=3))
    args = {"brand_id": shop.brand.id, "template_id": template.id, "source": "TOP_UP", "now": NOW}

    first = await service.issue_coupon_to_member(member_id=shop.member_a.id, idempotency_key="top-up:9", **args)
    again = await service.issue_coupon_to_member(member_id=shop.member_a.id, idempotency_key="top-up:9", **args)

    assert again.id == first.id and await Coupon.all().count() == 1
    assert first.valid_until == NOW + timedelta(days=3)
    with pytest.raises(DomainError) as refused:
        await service.issue_coupon_to_member(member_id=shop.member_b.id, idempotency_key="top-up:9", **args)
    assert refused.value.code.value == "COUPON_KEY_CONFLICT"


async def test_amount_percent_and_gift_coupons_take_their_discount(gql, shop):
    amount = (await create_template(gql, shop))["template"]
    percent = (await create_template(gql, shop, kind="PERCENT_OFF", amountOff=None, percentOff=30,
                                     maxDiscount="20"))["template"]
    gift = (await create_template(gql, shop, kind="GIFT", amountOff=None, giftItem="Latte"))["template"]
    codes = [(await issue(gql, shop, t["id"], f"k-{t['id']}"))["coupon"]["code"] for t in (amount, percent, gift)]

    small = await use(gql, shop, codes[0], "o-1", amount="8.00")
    capped = await use(gql, shop, codes[1], "o-2", amount="100.00")
    latte = await use(gql, shop, codes[2], "o-3")

    assert (small["discount"], small["coupon"]["status"]) == ("8.00", "USED")
    assert capped["discount"] == "20.00"
    assert (latte["discount"], latte["giftItem"]) == ("0.00", "Latte")
    await all_consistent()


async def test_coupon_applies_once_and_the_same_order_replays(gql, shop):
    template = (await create_template(gql, shop))["template"]
    code = (await issue(gql, shop, template["id"], "k-1"))["coupon"]["code"]

    first = await use(gql, shop, code, "o-1")
    replay = await use(gql, shop, code, "o-1")
    other_order = await use(gql, shop, code, "o-2")

    assert first["errors"] == [] and first["replayed"] is False and first["discount"] == "10.00"
    assert replay["replayed"] is True and replay["discount"] == "10.00"
    assert payload_errors(other_order) == [("COUPON_ALREADY_USED", "code")]
    assert (await CouponTemplate.get(id=int(template["id"]))).used_count == 1


async def test_an_order_that_used_one_coupon_cannot_use_another(gql, shop):
    template = (await create_template(gql, shop))["template"]
    one = (await issue(gql, shop, template["id"], "k-1"))["coupon"]["code"]
    two = (await issue(gql, shop, template["id"], "k-2"))["coupon"]["code"]
    await use(gql, shop, one, "o-1")

    again = await use(gql, shop, two, "o-1")

    assert payload_errors(again) == [("COUPON_ORDER_CONFLICT", "orderId")]


async def test_coupon_fails_outside_its_stores_with_a_typed_error(gql, shop):
    template = (await create_template(gql, shop, storeIds=[str(shop.store_a.id)]))["template"]
    code = (await issue(gql, shop, template["id"], "k-1"))["coupon"]["code"]

    at_b = await use(gql, shop, code, "o-1", store=shop.store_b, token="manager_b")

    assert payload_errors(at_b) == [("COUPON_STORE_NOT_ELIGIBLE", "storeId")]
    assert (await use(gql, shop, code, "o-1"))["errors"] == []


async def test_coupon_fails_below_its_minimum_spend(gql, shop):
    template = (await create_template(gql, shop, minSpend="50"))["template"]
    code = (await issue(gql, shop, template["id"], "k-1"))["coupon"]["code"]

    below = await use(gql, shop, code, "o-1", amount="49.99")

    assert payload_errors(below) == [("COUPON_BELOW_MIN_SPEND", "orderAmount")]
    assert (await use(gql, shop, code, "o-1", amount="50.00"))["errors"] == []


async def test_coupon_fails_before_and_after_its_dates(gql, shop):
    later = (await create_template(gql, shop, validDays=None, validFrom=_iso(2), validUntil=_iso(5)))["template"]
    code = (await issue(gql, shop, later["id"], "k-1"))["coupon"]["code"]
    short = (await create_template(gql, shop, validDays=1))["template"]
    coupon = await Coupon.get(id=int((await issue(gql, shop, short["id"], "k-2"))["coupon"]["id"]))

    not_yet = await use(gql, shop, code, "o-1")
    with pytest.raises(DomainError) as expired:
        await service.use_coupon(hq(shop.admin), code=coupon.code, store_id=shop.store_a.id, order_amount="100",
                                 order_id="o-2", now=NOW + timedelta(days=2))

    assert payload_errors(not_yet) == [("COUPON_NOT_YET_VALID", "code")]
    assert expired.value.code.value == "COUPON_EXPIRED"


async def test_coupon_of_another_member_is_refused_when_the_customer_is_named(gql, shop):
    template = (await create_template(gql, shop))["template"]
    code = (await issue(gql, shop, template["id"], "k-1"))["coupon"]["code"]

    theirs = await use(gql, shop, code, "o-1", memberId=str(shop.member_b.id))

    assert payload_errors(theirs) == [("COUPON_NOT_OWNED", "memberId")]


async def test_member_coupons_show_status_unused_used_and_expired(gql, shop):
    template = (await create_template(gql, shop))["template"]
    unused, used, expired = [(await issue(gql, shop, template["id"], f"k-{i}"))["coupon"] for i in range(3)]
    await use(gql, shop, used["code"], "o-1")
    await Coupon.filter(id=int(expired["id"])).update(valid_until=NOW - timedelta(seconds=1))

    every = await gql(MEMBER_COUPONS, {"id": str(shop.member_a.id)}, token=shop.tokens["member"])
    only_expired = await gql(MEMBER_COUPONS, {"id": str(shop.member_a.id), "status": "EXPIRED"},
                             token=shop.tokens["member"])
    for_clerk = await gql(MEMBER_COUPONS, {"id": str(shop.member_a.id)}, token=shop.tokens["clerk_a"])

    statuses = {e["node"]["id"]: e["node"]["status"] for e in every["data"]["member"]["coupons"]["edges"]}
    assert statuses == {unused["id"]: "UNUSED", used["id"]: "USED", expired["id"]: "EXPIRED"}
    assert [e["node"]["id"] for e in only_expired["data"]["member"]["coupons"]["edges"]] == [expired["id"]]
    # the member sees its codes whole; a clerk sees only their tails
    assert {e["node"]["code"] for e in every["data"]["member"]["coupons"]["edges"]} == {
        unused["code"], used["code"], expired["code"]}
    assert all(e["node"]["code"].startswith("********")
               for e in for_clerk["data"]["member"]["coupons"]["edges"])
    # issued = used + unused + expired
    assert await verify_coupons() == []


async def test_the_ledger_check_finds_a_template_whose_counters_drifted(gql, shop):
    template = (await create_template(gql, shop))["template"]
    await issue(gql, shop, template["id"], "k-1")

    await CouponTemplate.filter(id=int(template["id"])).update(issued_count=2)

    [problem] = await verify_coupons()
    assert (problem.template_id, problem.issued_count, problem.coupons) == (int(template["id"]), 2, 1)


async def test_a_mall_coupon_item_respects_the_templates_member_limit(gql, shop):
    template = (await create_template(gql, shop, perMemberLimit=1))["template"]
    item = await upsert_item(gql, shop, kind="COUPON", points=10, couponTemplateId=template["id"], stock=5)

    first = await redeem(gql, shop.tokens["member"], item["id"], "r-1")
    second = await redeem(gql, shop.tokens["member"], item["id"], "r-2")

    assert first["errors"] == []
    assert payload_errors(second) == [("COUPON_LIMIT_REACHED", "templateId")]
    assert await balance_of(shop.member_a) == 90
    assert (await MallItem.get(id=int(item["id"]))).stock == 4
    assert await Coupon.filter(status=CouponStatus.UNUSED).count() == 1
    await all_consistent()
