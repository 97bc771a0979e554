"""Concurrent coupon issues and uses through the GraphQL app on PostgreSQL."""

import asyncio

from domain.coupons.models import Coupon, CouponStatus, CouponTemplate
from tests.conftest import requires_postgres
from tests.mall.support import CREATE_TEMPLATE, ISSUE, USE, all_consistent, error_codes


async def _template(gql, world, **more) -> str:
    input = {"name": "10 off", "kind": "AMOUNT_OFF", "amountOff": "10", "validDays": 30, **more}
    body = await gql(CREATE_TEMPLATE, {"input": input}, token=world.tokens["hq_operator"])
    return body["data"]["createCouponTemplate"]["template"]["id"]


@requires_postgres
async def test_twenty_concurrent_issues_respect_a_per_member_limit_of_three(gql, world):
    template_id = await _template(gql, world, perMemberLimit=3)

    bodies = await asyncio.gather(*(
        gql(ISSUE, {"input": {"memberId": str(world.member_a.id), "templateId": template_id,
                              "idempotencyKey": f"k-{i}"}}, token=world.tokens["hq_operator"], expect_errors=True)
        for i in range(20)))

    assert [error_codes(b) for b in bodies if b.get("errors")] == []
    payloads = [b["data"]["issueCoupon"] for b in bodies]
    assert sum(1 for p in payloads if p["errors"] == []) == 3
    assert all(p["errors"][0]["code"] == "COUPON_LIMIT_REACHED" for p in payloads if p["errors"])
    assert await Coupon.filter(member_id=world.member_a.id).count() == 3
    await all_consistent()


@requires_postgres
async def test_one_coupon_used_by_twenty_orders_at_once_applies_once(gql, world):
    template_id = await _template(gql, world)
    issued = await gql(ISSUE, {"input": {"memberId": str(world.member_a.id), "templateId": template_id,
                                         "idempotencyKey": "k-1"}}, token=world.tokens["hq_operator"])
    code = issued["data"]["issueCoupon"]["coupon"]["code"]

    bodies = await asyncio.gather(*(
        gql(USE, {"input": {"code": code, "storeId": str(world.store_a.id), "orderAmount": "50",
                            "orderId": f"o-{i}"}}, token=world.tokens["clerk_a"], expect_errors=True)
        for i in range(20)))

    assert [error_codes(b) for b in bodies if b.get("errors")] == []
    payloads = [b["data"]["useCoupon"] for b in bodies]
    assert sum(1 for p in payloads if p["errors"] == []) == 1
    assert all(p["errors"][0]["code"] == "COUPON_ALREADY_USED" for p in payloads if p["errors"])
    assert await Coupon.filter(status=CouponStatus.USED).count() == 1
    assert (await CouponTemplate.get(id=int(template_id))).used_count == 1
    await all_consistent()
