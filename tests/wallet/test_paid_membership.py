"""Paid membership (付费会员卡): purchase, renewal from the current end, expiry by the job, a
refund within the window, and its points multiplier in accrual."""

from datetime import UTC, datetime, timedelta

from dateutil.relativedelta import relativedelta

from domain.members.models import MemberTag, TagKind
from domain.points import purchases
from domain.tiers import service as tiers
from domain.tiers.models import TierMode
from domain.wallet import membership
from domain.wallet.models import MembershipState, PaidMembership, PaidMembershipLedgerEntry
from franchise.models import AuditEntry
from tests.factories import hq
from tests.wallet.support import MEMBER_MEMBERSHIP, PURCHASE_MEMBERSHIP, REFUND_MEMBERSHIP, UPSERT_MEMBERSHIP_PLAN, \
    make_membership_plan, payload_errors

T0 = datetime(2026, 3, 1, 4, 0, tzinfo=UTC)


def purchase_input(world, plan, ref="pm-1", **more) -> dict:
    return {"memberId": str(world.member_a.id), "planId": str(plan.id), "paymentReference": ref, **more}


async def buy(world, plan, ref="pm-1", now=T0):
    return await membership.purchase_paid_membership(hq(world.admin), member_id=world.member_a.id, plan_id=plan.id,
                                                     payment_reference=ref, store_id=world.store_a.id, now=now)


async def test_hq_operator_upserts_a_plan_and_a_member_buys_it_for_itself(gql, world):
    body = await gql(UPSERT_MEMBERSHIP_PLAN, {"input": {
        "name": "Plus", "price": "199.00", "periodUnit": "MONTHS", "periodCount": 12, "discountPercent": 5,
        "pointsMultiplier": "1.5", "earlyAccessTag": "plus-early", "refundWindowDays": 7}},
        token=world.tokens["hq_operator"])
    plan = body["data"]["upsertPaidMembershipPlan"]
    assert plan["errors"] == [] and plan["plan"]["benefits"] == {
        "discountPercent": 5, "pointsMultiplier": "1.5", "earlyAccessTag": "plus-early"}
    assert await AuditEntry.filter(action="paid_membership.plan.upsert").count() == 1

    bought = (await gql(PURCHASE_MEMBERSHIP, {"input": {
        "memberId": str(world.member_a.id), "planId": plan["plan"]["id"], "paymentReference": "wx-1"}},
        token=world.tokens["member"]))["data"]["purchasePaidMembership"]

    assert bought["errors"] == [] and bought["replayed"] is False
    assert bought["membership"]["state"] == "ACTIVE" and bought["entry"] == {
        "kind": "PURCHASE", "amount": "199.00", "periodStart": bought["membership"]["startedAt"],
        "periodEnd": bought["membership"]["endsAt"]}
    shown = (await gql(MEMBER_MEMBERSHIP, {"id": str(world.member_a.id)}, token=world.tokens["member"])
             )["data"]["member"]["paidMembership"]
    assert shown["plan"]["name"] == "Plus" and shown["benefits"]["earlyAccessTag"] == "plus-early"


async def test_a_renewal_extends_from_the_current_end_and_a_replay_buys_nothing(world):
    plan = await make_membership_plan(world)
    await buy(world, plan, "pm-1", T0)

    renewed = await buy(world, plan, "pm-2", T0 + timedelta(days=100))
    replay = await buy(world, plan, "pm-2", T0 + timedelta(days=101))

    assert renewed.entry.kind.value == "RENEWAL"
    assert renewed.membership.ends_at == T0 + relativedelta(months=24)
    assert renewed.membership.term_started_at == T0
    assert replay.replayed is True and replay.entry.id == renewed.entry.id
    assert await PaidMembershipLedgerEntry.all().count() == 2


async def test_a_purchase_after_expiry_starts_a_new_term_from_now(world):
    plan = await make_membership_plan(world, period_unit="DAYS", period_count=30)
    await buy(world, plan, "pm-1", T0)
    later = T0 + timedelta(days=40)

    again = await buy(world, plan, "pm-2", later)

    assert again.entry.kind.value == "PURCHASE"
    assert (again.membership.term_started_at, again.membership.ends_at) == (later, later + timedelta(days=30))


async def test_the_job_ends_memberships_that_ran_out_once(world):
    plan = await make_membership_plan(world, period_unit="DAYS", period_count=30)
    await buy(world, plan, "pm-1", T0)

    assert await membership.expire_paid_memberships(T0 + timedelta(days=29)) == 0
    assert await membership.expire_paid_memberships(T0 + timedelta(days=30)) == 1
    assert await membership.expire_paid_memberships(T0 + timedelta(days=31)) == 0

    row = await PaidMembership.get(member_id=world.member_a.id)
    assert row.state is MembershipState.EXPIRED
    assert await PaidMembershipLedgerEntry.filter(kind="EXPIRE").count() == 1


async def test_a_refund_within_the_window_ends_it_and_records_the_refund(gql, world):
    plan = await make_membership_plan(world, refund_window_days=7)
    await buy(world, plan, "pm-1", datetime.now(UTC) - timedelta(days=3))

    body = await gql(REFUND_MEMBERSHIP, {"input": {"memberId": str(world.member_a.id), "refundId": "rf-1"}},
                     token=world.tokens["manager_a"])

    done = body["data"]["refundPaidMembership"]
    assert done["errors"] == [] and done["membership"]["state"] == "REFUNDED"
    assert done["entry"]["kind"] == "REFUND" and done["entry"]["amount"] == "-199.00"
    again = (await gql(REFUND_MEMBERSHIP, {"input": {"memberId": str(world.member_a.id), "refundId": "rf-1"}},
                       token=world.tokens["manager_a"]))["data"]["refundPaidMembership"]
    assert again["replayed"] is True
    assert await PaidMembershipLedgerEntry.filter(kind="REFUND").count() == 1


async def test_a_refund_after_the_window_is_refused(gql, world):
    plan = await make_membership_plan(world, refund_window_days=7)
    await buy(world, plan, "pm-1", datetime.now(UTC) - timedelta(days=8))

    body = await gql(REFUND_MEMBERSHIP, {"input": {"memberId": str(world.member_a.id), "refundId": "rf-1"}},
                     token=world.tokens["hq_operator"])

    assert payload_errors(body["data"]["refundPaidMembership"]) == [("REFUND_WINDOW_CLOSED", "memberId")]
    assert (await PaidMembership.get(member_id=world.member_a.id)).state is MembershipState.ACTIVE


async def test_the_membership_multiplier_applies_to_accrual_on_top_of_the_tier_multiplier(world):
    # given Gold (×1.5) from the first purchase and a membership of ×2
    await tiers.update_tier_program(hq(world.admin), mode=TierMode.SPEND, evaluation_months=12, levels=[
        tiers.Level(level=1, name="Gold", threshold=0, points_multiplier="1.5"),
        tiers.Level(level=2, name="Black", threshold=10_000_00),
        tiers.Level(level=3, name="Star", threshold=20_000_00)])
    now = datetime.now(UTC)
    record = purchases.record_purchase
    first = await record(hq(world.admin), member_id=world.member_a.id, store_id=world.store_a.id, amount="10.00",
                         order_id="o-0", channel=purchases.Channel.STORE, occurred_at=now - timedelta(hours=2))
    assert first.points_earned == 10  # no tier before it, no membership
    plan = await make_membership_plan(world, points_multiplier="2")
    await buy(world, plan, "pm-1", now - timedelta(hours=1))

    # when 33.00 is spent (1 point per yuan by default): 33 × 1.5 × 2 = 99
    done = await record(hq(world.admin), member_id=world.member_a.id, store_id=world.store_a.id, amount="33.00",
                        order_id="o-1", channel=purchases.Channel.STORE, occurred_at=now)
    # and 7.00 gives 7 × 3 = 21; 5.00 before the membership began earns ×1.5 only = 7 (7.5 rounded down)
    small = await record(hq(world.admin), member_id=world.member_a.id, store_id=world.store_a.id, amount="7.00",
                         order_id="o-2", channel=purchases.Channel.STORE, occurred_at=now)
    before = await record(hq(world.admin), member_id=world.member_a.id, store_id=world.store_a.id, amount="5.00",
                          order_id="o-3", channel=purchases.Channel.STORE, occurred_at=now - timedelta(minutes=90))

    assert (done.points_earned, small.points_earned, before.points_earned) == (99, 21, 7)


async def test_the_early_access_tag_is_on_the_member_while_the_membership_runs(world):
    async def tags() -> list[str]:
        return sorted(await MemberTag.filter(member_id=world.member_a.id).values_list("tag", flat=True))

    plan = await make_membership_plan(world, period_unit="DAYS", period_count=30, early_access_tag="plus-early")
    await MemberTag.create(brand_id=world.brand.id, member_id=world.member_a.id, tag="store-a-regular")

    await buy(world, plan, "pm-1", T0)
    assert await tags() == ["plus-early", "store-a-regular"]
    await buy(world, plan, "pm-2", T0 + timedelta(days=1))  # a renewal keeps one tag
    assert await tags() == ["plus-early", "store-a-regular"]

    await membership.expire_paid_memberships(T0 + timedelta(days=61))
    assert await tags() == ["store-a-regular"]


async def test_the_membership_ends_without_taking_hqs_tag_of_the_same_name(world):
    plan = await make_membership_plan(world, period_unit="DAYS", period_count=30, early_access_tag="plus-early")
    await MemberTag.create(brand_id=world.brand.id, member_id=world.member_a.id, tag="plus-early")

    await buy(world, plan, "pm-1", T0)
    await membership.expire_paid_memberships(T0 + timedelta(days=31))

    assert await MemberTag.filter(member_id=world.member_a.id).values_list("tag", "kind") == [
        ("plus-early", TagKind.MANUAL)]


async def test_a_refund_takes_the_early_access_tag_away(gql, world):
    plan = await make_membership_plan(world, refund_window_days=7, early_access_tag="plus-early")
    await buy(world, plan, "pm-1", datetime.now(UTC) - timedelta(days=1))
    assert await MemberTag.filter(member_id=world.member_a.id, tag="plus-early").exists()

    body = await gql(REFUND_MEMBERSHIP, {"input": {"memberId": str(world.member_a.id), "refundId": "rf-1"}},
                     token=world.tokens["manager_a"])

    assert body["data"]["refundPaidMembership"]["errors"] == []
    assert not await MemberTag.filter(member_id=world.member_a.id, tag="plus-early").exists()
