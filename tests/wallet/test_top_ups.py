"""Top-ups: plans offered where and when HQ says, idempotent per payment reference, gifts of
points and tiers, the STORED_VALUE tier lift, and 储值免单."""

from datetime import UTC, datetime, timedelta

from domain.points.models import PointsAccount
from domain.tiers import service as tiers
from domain.tiers.models import MemberTier, TierMode
from domain.wallet.models import WalletGrant, WalletLedgerEntry, WalletLedgerKind, WalletPayment
from tests.factories import hq
from tests.wallet.support import PLANS, TOP_UP, UPSERT_PLAN, assert_consistent, make_plan, payload_errors, top_up, \
    wallet_of
from franchise.models import AuditEntry


def top_up_input(world, ref: str = "t-1", **more) -> dict:
    return {"memberId": str(world.member_a.id), "storeId": str(world.store_a.id), "paymentReference": ref, **more}


async def send_top_up(gql, world, token: str = "clerk_a", **more) -> dict:
    return (await gql(TOP_UP, {"input": top_up_input(world, **more)}, token=world.tokens[token]))["data"]["topUpWallet"]


async def test_hq_operator_upserts_a_plan_audited_and_clerks_see_the_plans_of_their_store(gql, world):
    body = await gql(UPSERT_PLAN, {"input": {
        "name": "pay 300 get 150 here", "payAmount": "300.00", "bonusAmount": "150.00",
        "offeredStoreIds": [str(world.store_a.id)], "bonusStoreIds": [str(world.store_a.id)],
        "bonusExpiryDays": 90, "giftPoints": 50}}, token=world.tokens["hq_operator"])
    plan = body["data"]["upsertTopUpPlan"]
    assert plan["errors"] == [] and plan["plan"]["bonusAmount"] == "150.00"
    everywhere = await make_plan(world, name="everywhere", pay_minor=100_00, bonus_minor=10_00)
    await make_plan(world, name="over", pay_minor=100_00, active_to=datetime.now(UTC) - timedelta(days=1))
    await make_plan(world, name="off", pay_minor=100_00, active=False)

    at_a = (await gql(PLANS, {"storeId": str(world.store_a.id)}, token=world.tokens["clerk_a"]))["data"]["topUpPlans"]
    at_b = (await gql(PLANS, {"storeId": str(world.store_b.id)}, token=world.tokens["manager_b"]))["data"]["topUpPlans"]

    assert [p["name"] for p in at_a] == ["pay 300 get 150 here", "everywhere"]
    assert [p["id"] for p in at_b] == [str(everywhere.id)]
    assert await AuditEntry.filter(action="wallet.plan.upsert").count() == 4


async def test_a_bad_plan_is_a_user_error(gql, world):
    body = await gql(UPSERT_PLAN, {"input": {"name": "x", "kind": "FREE_ORDER", "freeOrderMultiple": 1}},
                     token=world.tokens["hq_operator"])
    assert payload_errors(body["data"]["upsertTopUpPlan"]) == [("INVALID_PLAN", "freeOrderMultiple")]
    foreign = await gql(UPSERT_PLAN, {"input": {"name": "x", "payAmount": "1.00",
                                                "offeredStoreIds": [str(world.other_store.id)]}},
                        token=world.tokens["hq_operator"])
    assert payload_errors(foreign["data"]["upsertTopUpPlan"]) == [("INVALID_PLAN", "offeredStoreIds")]


async def test_a_plan_top_up_credits_principal_and_a_dated_bonus_and_gift_points(gql, world):
    plan = await make_plan(world, pay_minor=300_00, bonus_minor=60_00, bonus_expiry_days=30, gift_points=88,
                           bonus_store_ids=[world.store_a.id])

    done = await send_top_up(gql, world, planId=str(plan.id))

    assert done["errors"] == [] and (done["principal"], done["bonus"]) == ("300.00", "60.00")
    assert done["topUp"]["giftPoints"] == 88
    bonus = await WalletGrant.get(bucket="BONUS")
    assert bonus.usable_store_ids == [world.store_a.id] and bonus.origin_store_id == world.store_a.id
    assert timedelta(days=29, hours=23) < bonus.expires_at - datetime.now(UTC) <= timedelta(days=30)
    assert (await PointsAccount.get(member_id=world.member_a.id)).balance == 88
    kinds = await WalletLedgerEntry.all().order_by("id").values_list("kind", flat=True)
    assert [str(getattr(k, "value", k)) for k in kinds] == ["TOP_UP", "BONUS"]
    await assert_consistent()


async def test_a_top_up_replayed_credits_once_and_another_amount_is_a_conflict(gql, world):
    first = await send_top_up(gql, world, amount="200.00")
    again = await send_top_up(gql, world, amount="200.00")
    other = await send_top_up(gql, world, amount="201.00")
    other_member = (await gql(TOP_UP, {"input": top_up_input(world, amount="200.00") | {
        "memberId": str(world.member_b.id)}}, token=world.tokens["hq_operator"]))["data"]["topUpWallet"]

    assert (first["replayed"], again["replayed"]) == (False, True)
    assert again["topUp"]["id"] == first["topUp"]["id"]
    assert payload_errors(other) == payload_errors(other_member) == [("IDEMPOTENCY_CONFLICT", "paymentReference")]
    assert await wallet_of(world.member_a) == (200_00, 0)


async def test_a_plan_not_offered_at_the_store_is_refused(gql, world):
    plan = await make_plan(world, pay_minor=300_00, offered_store_ids=[world.store_b.id])
    done = await send_top_up(gql, world, planId=str(plan.id))
    assert payload_errors(done) == [("PLAN_NOT_OFFERED", "planId")]
    assert await wallet_of(world.member_a) == (0, 0)


async def test_free_order_top_up_makes_the_bill_free_through_a_bonus_spent_at_once(gql, world):
    # given 储值免单 with N = 5, and a bill of 88.00
    plan = await make_plan(world, kind="FREE_ORDER", free_order_multiple=5)

    done = await send_top_up(gql, world, planId=str(plan.id), billAmount="88.00", orderId="bill-1")

    # then 440.00 principal stays, the bill was paid by a bonus grant of 88.00 spent at once
    assert done["errors"] == []
    assert done["topUp"]["paidAmount"] == "440.00" and done["topUp"]["freeOrderAmount"] == "88.00"
    assert (done["principal"], done["bonus"]) == ("440.00", "0.00")
    payment = await WalletPayment.get(order_id="bill-1")
    assert (payment.amount_minor, payment.principal_minor, payment.bonus_minor) == (88_00, 0, 88_00)
    entries = await WalletLedgerEntry.all().order_by("id")
    assert [(e.kind.value, e.principal_delta, e.bonus_delta) for e in entries] == [
        ("TOP_UP", 440_00, 0), ("BONUS", 0, 88_00), ("PAY", 0, -88_00)]
    await assert_consistent()


async def test_free_order_needs_the_bill(gql, world):
    plan = await make_plan(world, kind="FREE_ORDER", free_order_multiple=5)
    done = await send_top_up(gql, world, planId=str(plan.id))
    assert payload_errors(done) == [("BILL_REQUIRED", "billAmount")]


def stored_value_levels():
    return [tiers.Level(level=1, name="Silver", threshold=100_00),
            tiers.Level(level=2, name="Gold", threshold=500_00, welcome_points=20),
            tiers.Level(level=3, name="Black", threshold=2000_00)]


async def test_stored_value_tier_a_single_top_up_at_the_threshold_lifts_at_once(gql, world):
    await tiers.update_tier_program(hq(world.admin), mode=TierMode.STORED_VALUE, evaluation_months=12,
                                    levels=stored_value_levels())

    # two top-ups of 300.00 do not add up to Gold; one of 500.00 does
    await top_up(world, "300.00", ref="t-1")
    await top_up(world, "300.00", ref="t-2")
    assert (await MemberTier.get(member_id=world.member_a.id)).level == 1
    await top_up(world, "500.00", ref="t-3")

    standing = await MemberTier.get(member_id=world.member_a.id)
    assert standing.level == 2 and standing.qualifying == 500_00
    assert (await PointsAccount.get(member_id=world.member_a.id)).balance == 20  # Gold's welcome points


async def test_a_plan_gift_lifts_the_tier_to_at_least_its_level_in_any_mode(gql, world):
    await tiers.update_tier_program(hq(world.admin), mode=TierMode.SPEND, evaluation_months=12,
                                    levels=stored_value_levels())
    plan = await make_plan(world, pay_minor=100_00, gift_tier_level=2)

    await top_up(world, plan=plan)

    assert (await MemberTier.get(member_id=world.member_a.id)).level == 2
    assert (await PointsAccount.get(member_id=world.member_a.id)).balance == 20
