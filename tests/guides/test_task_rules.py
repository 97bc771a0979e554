"""Each follow-up rule on a controlled clock: who is flagged, with which figures and message;
only the guide's own members of its store count; thresholds are the brand's."""

from __future__ import annotations

from datetime import timedelta

from domain.coupons.models import CouponKind, CouponTemplate
from domain.coupons.service import issue_coupon_to_member
from domain.guides.models import TaskReason
from domain.guides.settings import GuideSettingsInput, update_guide_settings
from domain.guides.tasks import list_tasks
from domain.members.models import Member
from domain.tiers import service as tiers
from domain.tiers.models import MemberTier, TierMode
from tests.factories import hq, make_member
from tests.guides.support import (
    as_staff, at, enrolled_on, give_guide, points_lot, purchase, redeem,
)

NOW = at("2030-06-15T04:00:00+00:00")  # 12:00 in Shanghai
LONG_AGO = at("2029-01-01T00:00:00+00:00")


async def flagged(g, now=NOW) -> list[tuple[int, TaskReason, dict]]:
    found = await list_tasks(as_staff(g.clerk_a), now=now)
    return [(t.member_id, t.reason, t.figures) for t in found.tasks]


async def members_of_a(g, *names: str) -> list[Member]:
    members = [await make_member(g.brand, g.store_a, name=name) for name in names]
    for member in members:
        await enrolled_on(member, NOW - timedelta(days=5))  # too new to be dormant
    await give_guide(g, g.clerk_a, *members)
    return members


async def test_near_next_tier_flags_members_within_the_gap_of_the_next_threshold(guides):
    g = guides
    await tiers.update_tier_program(hq(g.admin), mode=TierMode.SPEND, evaluation_months=12, levels=[
        tiers.Level(1, "Silver", 100_000), tiers.Level(2, "Gold", 300_000), tiers.Level(3, "Platinum", 1_000_000)])
    near, far, ended, fresh = await members_of_a(g, "Near", "Far", "Ended", "Fresh")
    period = {"period_start": NOW - timedelta(days=30), "period_end": NOW + timedelta(days=300)}
    await MemberTier.create(brand_id=g.brand.id, member_id=near.id, level=1, qualifying=280_000, **period)
    await MemberTier.create(brand_id=g.brand.id, member_id=far.id, level=1, qualifying=200_000, **period)
    await MemberTier.create(brand_id=g.brand.id, member_id=ended.id, level=1, qualifying=290_000,
                            period_start=NOW - timedelta(days=400), period_end=NOW - timedelta(days=1))
    await MemberTier.create(brand_id=g.brand.id, member_id=fresh.id, level=0, qualifying=95_000, **period)

    tasks = await flagged(g)
    found = await list_tasks(as_staff(g.clerk_a), now=NOW)

    assert tasks == [
        (near.id, TaskReason.NEAR_NEXT_TIER, {"next_level": 2, "next_level_name": "Gold", "gap": 20_000}),
        (fresh.id, TaskReason.NEAR_NEXT_TIER, {"next_level": 1, "next_level_name": "Silver", "gap": 5_000}),
    ]
    from domain.guides.messages import suggested_message
    from zoneinfo import ZoneInfo
    assert suggested_message(found.tasks[0], member_name="Near", currency="CNY", tier_mode=found.tier_mode,
                             zone=ZoneInfo("Asia/Shanghai")) == (
        "Hi Near, you are only ¥200.00 away from Gold: come by and enjoy its benefits!")


async def test_high_points_unredeemed_needs_the_balance_and_no_recent_redemption(guides):
    g = guides
    idle, redeemed_lately, redeemed_long_ago, small = await members_of_a(g, "Idle", "Lately", "LongAgo", "Small")
    far_expiry = NOW + timedelta(days=365)
    for member in (idle, redeemed_lately, redeemed_long_ago):
        await points_lot(member, 6_100, earned_at=LONG_AGO, expires_at=far_expiry)
    await points_lot(small, 4_999, earned_at=LONG_AGO, expires_at=far_expiry)
    await redeem(redeemed_lately, 100, at=NOW - timedelta(days=10))
    await redeem(redeemed_long_ago, 100, at=NOW - timedelta(days=91))
    await redeem(idle, 100, at=NOW - timedelta(days=91))

    tasks = await flagged(g)

    assert tasks == [
        (idle.id, TaskReason.HIGH_POINTS_UNREDEEMED, {"points": 6_000, "idle_days": 90}),
        (redeemed_long_ago.id, TaskReason.HIGH_POINTS_UNREDEEMED, {"points": 6_000, "idle_days": 90}),
    ]


async def test_points_expiring_sums_the_lots_expiring_within_the_window(guides):
    g = guides
    soon, later, gone = await members_of_a(g, "Soon", "Later", "Gone")
    await points_lot(soon, 300, earned_at=LONG_AGO, expires_at=NOW + timedelta(days=10))
    await points_lot(soon, 200, earned_at=LONG_AGO, expires_at=NOW + timedelta(days=29))
    await points_lot(soon, 999, earned_at=LONG_AGO, expires_at=NOW + timedelta(days=31))
    await points_lot(later, 300, earned_at=LONG_AGO, expires_at=NOW + timedelta(days=40))
    await points_lot(gone, 300, earned_at=LONG_AGO, expires_at=NOW - timedelta(days=1))

    tasks = await flagged(g)

    assert tasks == [(soon.id, TaskReason.POINTS_EXPIRING,
                      {"points": 500, "expires_at": NOW + timedelta(days=10)})]


async def test_coupon_expiring_counts_unused_coupons_ending_within_the_window(guides):
    g = guides
    holder, far, user = await members_of_a(g, "Holder", "Far", "User")
    template = await CouponTemplate.create(brand_id=g.brand.id, name="5 off", kind=CouponKind.AMOUNT_OFF,
                                           amount_off_minor=500, valid_days=5, created_by="test")
    issued = NOW - timedelta(days=1)  # valid until NOW + 4 days
    for key, member in (("h1", holder), ("h2", holder), ("u1", user)):
        await issue_coupon_to_member(brand_id=g.brand.id, member_id=member.id, template_id=template.id,
                                     source="HQ", idempotency_key=key, now=issued)
    await issue_coupon_to_member(brand_id=g.brand.id, member_id=far.id, template_id=template.id, source="HQ",
                                 idempotency_key="f1", now=NOW + timedelta(days=3))  # until NOW + 8 days
    from domain.coupons.models import Coupon, CouponStatus
    await Coupon.filter(member_id=user.id).update(status=CouponStatus.USED)

    tasks = await flagged(g)

    assert [(m, r, f["coupons"]) for m, r, f in tasks] == [(holder.id, TaskReason.COUPON_EXPIRING, 2)]
    assert tasks[0][2]["expires_at"] == NOW + timedelta(days=4)


async def test_dormant_members_have_no_purchase_within_the_window(guides):
    g = guides
    sleeper, regular, never, newcomer = await members_of_a(g, "Sleeper", "Regular", "Never", "Newcomer")
    for member in (sleeper, regular, never):
        await enrolled_on(member, LONG_AGO)
    last = NOW - timedelta(days=61)
    await purchase(g, sleeper, "o-1", "10", at=last)
    await purchase(g, regular, "o-2", "10", at=NOW - timedelta(days=59))

    tasks = await flagged(g)

    assert tasks == [
        (sleeper.id, TaskReason.DORMANT, {"days": 60, "last_purchase_at": last}),
        (never.id, TaskReason.DORMANT, {"days": 60, "last_purchase_at": None}),
    ]


async def test_only_the_guides_own_members_of_its_store_are_listed(guides):
    g = guides
    (mine,) = await members_of_a(g, "Mine")
    other_guides = await make_member(g.brand, g.store_a, name="Theirs")
    await give_guide(g, g.clerk_a2, other_guides)
    unguided = await make_member(g.brand, g.store_a, name="Nobody's")
    for member in (mine, other_guides, unguided):
        await enrolled_on(member, LONG_AGO)

    before_move = await flagged(g)
    await Member.filter(id=mine.id).update(home_store_id=g.store_b.id)  # transferred to store B
    after_move = await flagged(g)

    assert [(m, r) for m, r, _ in before_move] == [(mine.id, TaskReason.DORMANT)]
    assert after_move == []


async def test_brand_thresholds_change_what_is_flagged(guides):
    g = guides
    (sleeper,) = await members_of_a(g, "Sleeper")
    await enrolled_on(sleeper, LONG_AGO)
    await purchase(g, sleeper, "o-1", "10", at=NOW - timedelta(days=61))

    await update_guide_settings(hq(g.admin), GuideSettingsInput(dormant_days=90))

    assert await flagged(g) == []


async def test_a_stored_value_programme_has_no_near_next_tier_tasks(guides):
    g = guides
    await tiers.update_tier_program(hq(g.admin), mode=TierMode.STORED_VALUE, evaluation_months=12, levels=[
        tiers.Level(1, "Silver", 100_000), tiers.Level(2, "Gold", 300_000), tiers.Level(3, "Platinum", 1_000_000)])
    (member,) = await members_of_a(g, "TopUp")
    await MemberTier.create(brand_id=g.brand.id, member_id=member.id, level=1, qualifying=290_000,
                            period_start=NOW - timedelta(days=30), period_end=NOW + timedelta(days=300))

    # a single top-up decides the level there: "spend a little more" does not apply
    assert await flagged(g) == []
