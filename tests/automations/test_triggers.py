"""Each trigger selects exactly the members its rule names, at a controlled `now`, in the
brand's own days; another brand's members are never selected."""

from __future__ import annotations

from datetime import date, timedelta

from domain.automations.models import AutomationTrigger as T
from domain.coupons.service import issue_coupon_to_member
from domain.members.models import Member
from domain.tiers.models import MemberTier, TierMode
from domain.tiers.service import Level, update_tier_program
from tests.automations.support import NOW, bought, coupon_template, event, hit, registered
from tests.factories import hq, make_member


async def test_dormant_days_selects_members_without_a_purchase_for_n_days(world):
    for member in (world.member_a, world.member_b, world.other_member):
        await registered(member, NOW - timedelta(days=365))
    await bought(world, world.member_a, NOW - timedelta(days=31), "o-a")
    await bought(world, world.member_b, NOW - timedelta(days=29), "o-b")
    newcomer = await make_member(world.brand, world.store_a)
    await registered(newcomer, NOW - timedelta(days=3))  # not a member for 30 days yet

    assert await hit(world, trigger=T.DORMANT_DAYS, days=30) == [world.member_a.id]


async def test_registered_no_order_selects_members_who_joined_n_days_ago_and_never_bought(world):
    await registered(world.member_a, NOW - timedelta(days=4))
    await registered(world.member_b, NOW - timedelta(days=4))
    await bought(world, world.member_b, NOW - timedelta(days=1), "o-b")
    recent = await make_member(world.brand, world.store_a)
    await registered(recent, NOW - timedelta(days=2))

    assert await hit(world, trigger=T.REGISTERED_NO_ORDER, days=3) == [world.member_a.id]


async def test_points_expiring_selects_members_whose_lots_expire_within_the_days(world):
    # the default rules keep points 12 months: a year-old lot expires in days, a new one does not
    await bought(world, world.member_a, NOW - timedelta(days=362), "o-a")
    await bought(world, world.member_b, NOW - timedelta(days=10), "o-b")

    assert await hit(world, trigger=T.POINTS_EXPIRING, days=7) == [world.member_a.id]
    assert await hit(world, trigger=T.POINTS_EXPIRING, days=1) == []


async def test_near_next_tier_selects_members_within_the_gap_below_their_next_threshold(world):
    await update_tier_program(hq(world.admin), mode=TierMode.SPEND, evaluation_months=12,
                              levels=[Level(1, "Silver", 10_000), Level(2, "Gold", 50_000), Level(3, "Black", 90_000)])
    third = await make_member(world.brand, world.store_b)
    standings = {world.member_a: (1, 45_000), world.member_b: (0, 1_000), third: (2, 50_000)}
    for member, (level, qualifying) in standings.items():
        await MemberTier.create(brand_id=world.brand.id, member_id=member.id, level=level, qualifying=qualifying,
                                period_start=NOW - timedelta(days=30), period_end=NOW + timedelta(days=300))

    assert await hit(world, trigger=T.NEAR_NEXT_TIER, gap=5_000) == [world.member_a.id]
    assert await hit(world, trigger=T.NEAR_NEXT_TIER, gap=9_500) == [world.member_a.id, world.member_b.id]


async def test_birthday_selects_members_born_on_the_brands_local_day(world):
    # NOW is 15 January 10:00 in Shanghai (02:00 UTC)
    await Member.filter(id=world.member_a.id).update(birthday=date(1990, 1, 15))
    await Member.filter(id=world.member_b.id).update(birthday=date(1990, 1, 16))
    await Member.filter(id=world.other_member.id).update(birthday=date(1985, 1, 15))

    assert await hit(world, trigger=T.BIRTHDAY) == [world.member_a.id]


async def test_a_leap_day_birthday_is_celebrated_on_28_february(world):
    from domain.automations.triggers import _birthdays_on

    assert date(2000, 2, 29) in _birthdays_on(date(2027, 2, 28))
    assert date(2000, 2, 29) not in _birthdays_on(date(2028, 2, 28))
    assert date(2000, 2, 29) in _birthdays_on(date(2028, 2, 29))


async def test_coupon_expiring_selects_members_holding_an_unused_coupon_due_within_the_days(world):
    soon, later = await coupon_template(world, valid_days=2), await coupon_template(world, valid_days=30)
    for member, template, key in ((world.member_a, soon, "a"), (world.member_b, later, "b")):
        await issue_coupon_to_member(brand_id=world.brand.id, member_id=member.id, template_id=template,
                                     source="HQ", idempotency_key=key, now=NOW)

    assert await hit(world, trigger=T.COUPON_EXPIRING, days=3) == [world.member_a.id]


async def test_event_selects_members_with_the_event_within_the_hours(world):
    await event(world, world.member_a, "CART_ABANDONED", "cart-a", NOW - timedelta(hours=1))
    await event(world, world.member_b, "CART_ABANDONED", "cart-b", NOW - timedelta(hours=3))
    await event(world, world.member_b, "PAGE_VIEWED", "page-b", NOW - timedelta(minutes=5))

    assert await hit(world, trigger=T.EVENT, event_kind="CART_ABANDONED", within_hours=2) == [world.member_a.id]


async def test_event_absent_selects_deliveries_without_a_review_after_the_delay(world):
    third = await make_member(world.brand, world.store_a)
    await event(world, world.member_a, "ORDER_DELIVERED", "order-a", NOW - timedelta(days=8))
    await event(world, world.member_b, "ORDER_DELIVERED", "order-b", NOW - timedelta(days=8))
    await event(world, world.member_b, "ORDER_REVIEWED", "order-b", NOW - timedelta(days=6))
    await event(world, third, "ORDER_DELIVERED", "order-c", NOW - timedelta(days=2))  # still in time to review

    assert await hit(world, trigger=T.EVENT_ABSENT, event_kind="ORDER_REVIEWED", after_event_kind="ORDER_DELIVERED",
                     delay_hours=7 * 24) == [world.member_a.id]


async def test_segment_selects_the_members_of_a_saved_segment(world):
    from domain.segments.filters import SegmentFilter
    from domain.segments.service import save_segment

    await Member.filter(id=world.member_b.id).update(birthday=date(1990, 3, 2))
    await Member.filter(id=world.other_member.id).update(birthday=date(1991, 3, 9))
    march = await save_segment(hq(world.admin), name="March birthdays", flt=SegmentFilter(birthday_month=3))

    assert await hit(world, trigger=T.SEGMENT, segment_id=march.id) == [world.member_b.id]


async def test_a_segment_trigger_needs_a_segment_of_the_brand_and_stops_alone_when_it_is_gone(world):
    from domain.automations.runner import run_automations
    from domain.segments.filters import SegmentFilter
    from domain.segments.models import SavedSegment
    from domain.segments.service import save_segment
    from franchise.errors import DomainError
    from tests.automations.support import make_automation

    theirs = await save_segment(hq(world.other_admin), name="Theirs", flt=SegmentFilter(birthday_month=3))
    try:
        await make_automation(world, trigger=T.SEGMENT, segment_id=theirs.id)
    except DomainError as error:
        assert (error.code.value, error.field) == ("SEGMENT_NOT_FOUND", "segmentId")
    else:
        raise AssertionError("another brand's segment was accepted")
    ours = await save_segment(hq(world.admin), name="Ours", flt=SegmentFilter(birthday_month=3))
    segment_automation = await make_automation(world, trigger=T.SEGMENT, segment_id=ours.id)
    await make_automation(world, name="birthdays", trigger=T.BIRTHDAY)
    await SavedSegment.filter(id=ours.id).delete()

    runs = await run_automations(hq(world.admin), now=NOW)

    assert [(r.automation.id == segment_automation.id, r.blocked) for r in runs] == [
        (True, "SEGMENT_NOT_FOUND"), (False, None)]
