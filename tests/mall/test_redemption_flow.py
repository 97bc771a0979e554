"""Redeeming, verifying, cancelling and the pickup-expiry job, through the API."""

from datetime import UTC, datetime, timedelta

from domain.mall import redemptions
from domain.mall.models import MallItem, MallRedemption, MallStockMovement, RedemptionState
from domain.points.models import LedgerKind, PointsLedgerEntry, PointsLot
from tests.mall.support import (
    CANCEL, MEMBER_REDEMPTIONS, STORE_PICKUPS, VERIFY, all_consistent, balance_of, give_points, payload_errors,
    member_token, redeem, upsert_item,
)


async def test_a_pickup_redemption_takes_points_and_stock_and_carries_a_code(gql, shop):
    # given a 10-point Swiss roll with 5 in stock
    item = await upsert_item(gql, shop, stock=5, cash="2.50")

    # when member A redeems two
    done = await redeem(gql, shop.tokens["member"], item["id"], "r-1", quantity=2)

    # then
    assert done["errors"] == [] and done["replayed"] is False
    redemption = done["redemption"]
    assert (redemption["state"], redemption["points"], redemption["cash"]) == ("PENDING", 20, "5.00")
    assert len(redemption["verificationCode"]) == 8
    assert redemption["qrPayload"].endswith(redemption["verificationCode"])
    assert redemption["pickupStore"] == {"id": str(shop.store_a.id)}
    assert done["balance"] == 80 and await balance_of(shop.member_a) == 80
    assert (await MallItem.get(id=int(item["id"]))).stock == 3
    entry = await PointsLedgerEntry.get(member_id=shop.member_a.id, kind=LedgerKind.REDEEM)
    assert (entry.delta, entry.store_id) == (-20, shop.store_a.id)
    await all_consistent()


async def test_a_replayed_key_returns_the_first_redemption_and_takes_nothing_more(gql, shop):
    item = await upsert_item(gql, shop, stock=5)
    first = await redeem(gql, shop.tokens["member"], item["id"], "r-1")

    again = await redeem(gql, shop.tokens["member"], item["id"], "r-1")
    other = await redeem(gql, shop.tokens["member"], item["id"], "r-1", quantity=2)

    assert again["replayed"] is True and again["redemption"]["id"] == first["redemption"]["id"]
    assert payload_errors(other) == [("REDEMPTION_KEY_CONFLICT", "idempotencyKey")]
    assert await balance_of(shop.member_a) == 90
    assert (await MallItem.get(id=int(item["id"]))).stock == 4


async def test_redeeming_spends_the_soonest_expiring_lots_first(gql, shop):
    # given an older lot (expiring sooner) of 7 points beside the 100
    await give_points(shop, shop.member_a, "7.00", "old", occurred_at=datetime.now(UTC) - timedelta(days=200))
    item = await upsert_item(gql, shop, points=10)

    await redeem(gql, shop.tokens["member"], item["id"], "r-1")

    lots = {lot.earned: lot.remaining for lot in await PointsLot.filter(member_id=shop.member_a.id)}
    assert lots == {7: 0, 100: 97}


async def test_clerk_verifies_once_and_a_second_verify_is_already_verified(gql, shop):
    item = await upsert_item(gql, shop)
    code = (await redeem(gql, shop.tokens["member"], item["id"], "r-1"))["redemption"]["verificationCode"]

    first = (await gql(VERIFY, {"input": {"code": code.lower()}}, token=shop.tokens["clerk_a"]))["data"]
    second = (await gql(VERIFY, {"input": {"code": code}}, token=shop.tokens["clerk_a"]))["data"]

    assert first["verifyRedemption"]["errors"] == []
    assert first["verifyRedemption"]["redemption"]["state"] == "COLLECTED"
    assert first["verifyRedemption"]["redemption"]["verifiedStore"] == {"id": str(shop.store_a.id)}
    assert payload_errors(second["verifyRedemption"]) == [("ALREADY_VERIFIED", "code")]


async def test_clerk_of_a_store_the_item_is_not_collected_at_gets_store_not_eligible(gql, shop, tokens):
    # given an item exclusive to store B, redeemed by a member of store B
    item = await upsert_item(gql, shop, eligibleStoreIds=[str(shop.store_b.id)])
    member_b = member_token(tokens, shop.member_b)
    await give_points(shop, shop.member_b, "50.00", "seed-b")
    code = (await redeem(gql, member_b, item["id"], "r-1"))["redemption"]["verificationCode"]

    # when store A's clerk verifies it at store A, or names store B
    at_a = await gql(VERIFY, {"input": {"code": code}}, token=shop.tokens["clerk_a"])
    at_b = await gql(VERIFY, {"input": {"code": code, "storeId": str(shop.store_b.id)}},
                     token=shop.tokens["clerk_a"], expect_errors=True)

    # then a typed error at its own store, FORBIDDEN at another store; still pending
    assert payload_errors(at_a["data"]["verifyRedemption"]) == [("STORE_NOT_ELIGIBLE", "storeId")]
    assert [e["extensions"]["code"] for e in at_b["errors"]] == ["FORBIDDEN"]
    assert (await MallRedemption.get(verification_code=code)).state is RedemptionState.PENDING


async def test_member_cancels_a_pending_pickup_and_points_return_to_their_lots_with_stock(gql, shop):
    item = await upsert_item(gql, shop, stock=3)
    redemption = (await redeem(gql, shop.tokens["member"], item["id"], "r-1", quantity=2))["redemption"]

    body = await gql(CANCEL, {"input": {"redemptionId": redemption["id"], "reason": "changed my mind"}},
                     token=shop.tokens["member"])
    again = await gql(CANCEL, {"input": {"redemptionId": redemption["id"]}}, token=shop.tokens["member"])

    payload = body["data"]["cancelRedemption"]
    assert payload["errors"] == [] and payload["redemption"]["state"] == "CANCELLED"
    assert payload_errors(again["data"]["cancelRedemption"]) == [("ALREADY_CANCELLED", "redemptionId")]
    assert await balance_of(shop.member_a) == 100
    assert [lot.remaining for lot in await PointsLot.filter(member_id=shop.member_a.id)] == [100]
    assert await PointsLedgerEntry.filter(kind=LedgerKind.RETURN).count() == 1
    assert (await MallItem.get(id=int(item["id"]))).stock == 3
    assert [m.delta for m in await MallStockMovement.filter(item_id=int(item["id"])).order_by("id")] == [3, -2, 2]
    await all_consistent()


async def test_a_collected_pickup_cannot_be_cancelled(gql, shop):
    item = await upsert_item(gql, shop)
    redemption = (await redeem(gql, shop.tokens["member"], item["id"], "r-1"))["redemption"]
    await gql(VERIFY, {"input": {"code": redemption["verificationCode"]}}, token=shop.tokens["clerk_a"])

    body = await gql(CANCEL, {"input": {"redemptionId": redemption["id"]}}, token=shop.tokens["manager_a"])

    assert payload_errors(body["data"]["cancelRedemption"]) == [("ALREADY_VERIFIED", "redemptionId")]
    assert await balance_of(shop.member_a) == 90


async def test_the_expiry_job_cancels_uncollected_pickups_after_their_window(gql, shop):
    # given two pickups with a 3-day window, one collected
    item = await upsert_item(gql, shop, stock=10, pickupDays=3)
    kept = (await redeem(gql, shop.tokens["member"], item["id"], "r-1"))["redemption"]
    collected = (await redeem(gql, shop.tokens["member"], item["id"], "r-2"))["redemption"]
    await gql(VERIFY, {"input": {"code": collected["verificationCode"]}}, token=shop.tokens["clerk_a"])

    # when the job runs within the window, then after it (twice)
    within = await redemptions.cancel_expired_pickups(datetime.now(UTC) + timedelta(days=2))
    after = await redemptions.cancel_expired_pickups(datetime.now(UTC) + timedelta(days=4))
    again = await redemptions.cancel_expired_pickups(datetime.now(UTC) + timedelta(days=4))

    # then only the uncollected one was cancelled, once, with its points and stock back
    assert (within, after, again) == (0, 1, 0)
    assert (await MallRedemption.get(id=int(kept["id"]))).state is RedemptionState.CANCELLED
    assert (await MallRedemption.get(id=int(collected["id"]))).state is RedemptionState.COLLECTED
    assert await balance_of(shop.member_a) == 90
    assert (await MallItem.get(id=int(item["id"]))).stock == 9
    await all_consistent()


async def test_a_coupon_item_issues_its_coupon_at_once(gql, shop):
    template = (await gql("""mutation { createCouponTemplate(input: {name: "5 off", kind: AMOUNT_OFF,
        amountOff: "5", validDays: 30}) { template { id } errors { code } } }""",
                          token=shop.tokens["hq_operator"]))["data"]["createCouponTemplate"]["template"]
    item = await upsert_item(gql, shop, kind="COUPON", points=30, couponTemplateId=template["id"])

    done = await redeem(gql, shop.tokens["member"], item["id"], "r-1")

    redemption = done["redemption"]
    assert redemption["state"] == "COMPLETED" and redemption["verificationCode"] is None
    assert redemption["coupon"]["status"] == "UNUSED" and len(redemption["coupon"]["code"]) == 12
    assert done["balance"] == 70
    await all_consistent()


async def test_store_pickups_lists_pending_pickups_of_the_store_without_their_codes(gql, shop):
    item = await upsert_item(gql, shop)
    pending = (await redeem(gql, shop.tokens["member"], item["id"], "r-1"))["redemption"]
    collected = (await redeem(gql, shop.tokens["member"], item["id"], "r-2"))["redemption"]
    await gql(VERIFY, {"input": {"code": collected["verificationCode"]}}, token=shop.tokens["clerk_a"])

    at_a = await gql(STORE_PICKUPS, {"storeId": str(shop.store_a.id)}, token=shop.tokens["clerk_a"])
    at_b = await gql(STORE_PICKUPS, {"storeId": str(shop.store_b.id)}, token=shop.tokens["hq_operator"])

    nodes = [e["node"] for e in at_a["data"]["storePickups"]["edges"]]
    assert [(n["id"], n["state"], n["verificationCode"]) for n in nodes] == [(pending["id"], "PENDING", None)]
    assert at_b["data"]["storePickups"]["totalCount"] == 0


async def test_member_sees_its_redemptions_newest_first(gql, shop):
    item = await upsert_item(gql, shop)
    first = (await redeem(gql, shop.tokens["member"], item["id"], "r-1"))["redemption"]
    second = (await redeem(gql, shop.tokens["member"], item["id"], "r-2"))["redemption"]

    body = await gql(MEMBER_REDEMPTIONS, {"id": str(shop.member_a.id)}, token=shop.tokens["member"])

    page = body["data"]["member"]["redemptions"]
    assert page["totalCount"] == 2
    assert [e["node"]["id"] for e in page["edges"]] == [second["id"], first["id"]]
    assert all(e["node"]["verificationCode"] for e in page["edges"])


async def test_a_code_we_never_issue_is_not_found_whatever_its_length_or_letters(gql, shop):
    for code in ("FUZZORDER2", "ABCDEFGHIJKLMNOP", "0000", "ÄÖÜ"):
        body = (await gql(VERIFY, {"input": {"code": code}}, token=shop.tokens["clerk_a"]))["data"]

        assert payload_errors(body["verifyRedemption"]) == [("REDEMPTION_NOT_FOUND", "code")], code
