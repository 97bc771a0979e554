"""A paid membership's coupon pack: one coupon of each of the plan's templates at purchase,
then once in every later month of the term (the brand's calendar month), by a job that may
run any number of times."""

from datetime import UTC, datetime, timedelta

from domain.coupons.models import Coupon
from domain.wallet import membership
from server import jobs
from tests.factories import hq
from tests.wallet.support import UPSERT_MEMBERSHIP_PLAN, make_coupon_template, make_membership_plan, \
    payload_errors

# 2026-03-10 12:00 in Shanghai (UTC+8), the brand's zone
T0 = datetime(2026, 3, 10, 4, 0, tzinfo=UTC)


async def buy(world, plan, ref="pm-1", now=T0):
    return await membership.purchase_paid_membership(hq(world.admin), member_id=world.member_a.id, plan_id=plan.id,
                                                     payment_reference=ref, store_id=world.store_a.id, now=now)


async def pack_plan(world, **more):
    five_off = await make_coupon_template(world, "5 off", valid_days=31)
    tea = await make_coupon_template(world, "free tea", valid_days=31)
    plan = await make_membership_plan(world, coupon_template_ids=[five_off.id, tea.id], **more)
    return plan, (five_off, tea)


async def keys() -> list[str]:
    return await Coupon.filter(source="PAID_MEMBERSHIP").order_by("id").values_list("idempotency_key", flat=True)


async def test_hq_operator_sets_a_plans_coupon_pack_of_the_brands_templates(gql, world):
    template = await make_coupon_template(world)
    foreign = await make_coupon_template(world, admin=world.other_admin)
    plan = {"name": "Plus", "price": "199.00", "periodUnit": "MONTHS", "periodCount": 12}

    good = await gql(UPSERT_MEMBERSHIP_PLAN, {"input": {**plan, "couponTemplateIds": [str(template.id)]}},
                     token=world.tokens["hq_operator"])
    bad = await gql(UPSERT_MEMBERSHIP_PLAN, {"input": {**plan, "couponTemplateIds": [str(foreign.id)]}},
                    token=world.tokens["hq_operator"])

    assert good["data"]["upsertPaidMembershipPlan"]["plan"]["couponTemplateIds"] == [str(template.id)]
    assert payload_errors(bad["data"]["upsertPaidMembershipPlan"]) == [("INVALID_PLAN", "couponTemplateIds")]


async def test_a_purchase_gives_the_pack_once_and_a_renewal_or_a_replay_none(world):
    plan, (five_off, tea) = await pack_plan(world)

    bought = await buy(world, plan, "pm-1")
    await buy(world, plan, "pm-1")  # the same payment again
    await buy(world, plan, "pm-2", T0 + timedelta(days=20))  # a renewal: the monthly job covers it

    assert await keys() == [f"pm:{bought.entry.id}:coupon:{five_off.id}", f"pm:{bought.entry.id}:coupon:{tea.id}"]
    assert await Coupon.filter(member_id=world.member_a.id).count() == 2


async def test_the_job_gives_each_later_month_its_pack_once_however_often_it_runs(world):
    plan, (five_off, tea) = await pack_plan(world)
    bought = await buy(world, plan)
    row_id = bought.membership.id

    # the month of the purchase is covered by the purchase's pack
    assert await membership.issue_membership_coupon_packs(T0 + timedelta(days=5)) == 0
    # 2026-03-31 17:00 UTC is already April 1 in Shanghai
    april = datetime(2026, 3, 31, 17, 0, tzinfo=UTC)
    assert await membership.issue_membership_coupon_packs(april) == 2
    assert await membership.issue_membership_coupon_packs(april + timedelta(hours=1)) == 0
    assert await membership.issue_membership_coupon_packs(april + timedelta(days=20)) == 0
    assert await membership.issue_membership_coupon_packs(april + timedelta(days=31)) == 2

    assert (await keys())[2:] == [f"pm:{row_id}:2026-04:coupon:{five_off.id}", f"pm:{row_id}:2026-04:coupon:{tea.id}",
                                  f"pm:{row_id}:2026-05:coupon:{five_off.id}", f"pm:{row_id}:2026-05:coupon:{tea.id}"]
    assert await Coupon.filter(member_id=world.member_a.id, source="PAID_MEMBERSHIP").count() == 6


async def test_the_job_gives_nothing_to_a_membership_that_ran_out_or_a_plan_without_a_pack(world):
    plan, _ = await pack_plan(world, period_unit="DAYS", period_count=30)
    await buy(world, plan)
    plain = await make_membership_plan(world, name="plain")
    other = await membership.purchase_paid_membership(hq(world.admin), member_id=world.member_b.id,
                                                      plan_id=plain.id, payment_reference="pm-b", now=T0)

    # the 30-day membership ended on April 9; May gives nothing
    assert await membership.issue_membership_coupon_packs(datetime(2026, 5, 2, tzinfo=UTC)) == 0
    assert other.membership.plan_id == plain.id
    assert await Coupon.filter(member_id=world.member_b.id).count() == 0


async def test_the_pack_job_is_scheduled_daily_and_kicked_on_the_broker(world):
    # given the schedules the scheduler reads from the tasks' labels
    [source] = jobs.scheduler.sources
    await source.startup()
    [schedule] = [s for s in await source.get_schedules() if s.task_name == "issue_membership_coupon_packs"]
    plan, _ = await pack_plan(world)
    await buy(world, plan, now=datetime.now(UTC) - timedelta(days=40))

    # when the job runs now, twice
    first = await jobs.issue_membership_coupon_packs()
    second = await jobs.issue_membership_coupon_packs()

    # then
    assert (schedule.cron, schedule.cron_offset) == ("30 0 * * *", "Asia/Shanghai")
    assert (first, second) == (2, 0)
