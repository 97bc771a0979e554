"""Tier rules at the domain level: levels checked, rise at once, fall only at period end."""

from datetime import datetime, timezone

import pytest

from domain.tiers import service as tiers
from domain.tiers.models import MemberTier, TierMode
from franchise.errors import DomainError
from policies import NotAuthorized, Role
from tests.factories import hq, make_brand, make_member, make_staff, make_store


async def qualify(brand_id, member_id, **kwargs):
    """Count a purchase under the brand's programme, as recordPurchase does."""
    from domain.tiers.models import TierProgram

    return await tiers.qualify(brand_id, member_id, program=await TierProgram.get(brand_id=brand_id), **kwargs)


T0 = datetime(2026, 1, 10, 4, 0, tzinfo=timezone.utc)


def three_levels():
    return [
        tiers.Level(level=1, name="Silver", threshold=0, welcome_points=10),
        tiers.Level(level=2, name="Gold", threshold=100_000, points_multiplier="1.5", welcome_points=100),
        tiers.Level(level=3, name="Black", threshold=500_000, points_multiplier="2", discount_percent=12),
    ]


async def brand_with_program(months=12):
    brand, admin = await make_brand("acme")
    store = await make_store(admin, "A")
    member = await make_member(brand, store)
    await tiers.update_tier_program(hq(admin), mode=TierMode.SPEND, evaluation_months=months, levels=three_levels())
    return brand, admin, store, member


async def test_a_purchase_that_reaches_a_threshold_upgrades_at_once_with_welcome_points():
    brand, _, _, member = await brand_with_program()

    first = await qualify(brand.id, member.id, spend_minor=50_000, at=T0)
    second = await qualify(brand.id, member.id, spend_minor=60_000, at=T0)

    assert (first.old_level, first.new_level, first.welcome_points) == (0, 1, 10)
    assert (second.old_level, second.new_level, second.welcome_points) == (1, 2, 100)
    progress = await tiers.progress(member.id, brand.id, T0)
    assert (progress.level, progress.qualifying, progress.next_level.level, progress.still_needed) == (2, 110_000, 3, 390_000)


async def test_a_member_falls_only_when_the_evaluation_period_ends():
    brand, _, _, member = await brand_with_program(months=12)
    await qualify(brand.id, member.id, spend_minor=600_000, at=T0)  # Black in the first year
    await qualify(brand.id, member.id, spend_minor=120_000, at=datetime(2027, 2, 1, tzinfo=timezone.utc))
    # the second year's spend (120,000) only reaches Gold, but the level holds until the year ends
    assert (await MemberTier.get(member_id=member.id)).level == 3

    assert await tiers.evaluate_tiers(datetime(2028, 1, 9, tzinfo=timezone.utc)) == 0
    assert await tiers.evaluate_tiers(datetime(2028, 1, 10, 4, 0, tzinfo=timezone.utc)) == 1

    row = await MemberTier.get(member_id=member.id)
    assert (row.level, row.qualifying) == (2, 0)


async def test_the_period_rolls_on_the_next_purchase_even_before_the_job_runs():
    brand, _, _, member = await brand_with_program(months=1)
    await qualify(brand.id, member.id, spend_minor=150_000, at=T0)

    late = await qualify(brand.id, member.id, spend_minor=1, at=datetime(2026, 3, 20, tzinfo=timezone.utc))

    row = await MemberTier.get(member_id=member.id)
    # the first month earned Gold, kept through the second; the second earned nothing, so from
    # the third the member is back to Silver (threshold 0), and the new purchase counts there
    assert late is None
    assert (row.level, row.qualifying) == (1, 1)


@pytest.mark.parametrize(
    "levels,field",
    [
        (three_levels()[:2], "levels"),
        ([tiers.Level(level=1, name="A", threshold=0), tiers.Level(level=2, name="B", threshold=0),
          tiers.Level(level=3, name="C", threshold=10)], "levels.threshold"),
        ([tiers.Level(level=1, name="A", threshold=0), tiers.Level(level=3, name="B", threshold=5),
          tiers.Level(level=4, name="C", threshold=10)], "levels"),
        ([tiers.Level(level=1, name="A", threshold=0, points_multiplier="1.555"),
          tiers.Level(level=2, name="B", threshold=5), tiers.Level(level=3, name="C", threshold=10)],
         "levels.pointsMultiplier"),
    ],
    ids=["two-levels", "flat-thresholds", "gap", "three-decimal-multiplier"],
)
async def test_a_programme_that_breaks_the_rules_is_refused(levels, field):
    _, admin = await make_brand("acme")

    with pytest.raises(DomainError) as refused:
        await tiers.update_tier_program(hq(admin), mode=TierMode.SPEND, evaluation_months=12, levels=levels)

    assert refused.value.field == field


async def test_only_hq_admin_changes_the_tier_program():
    _, admin = await make_brand("acme")
    operator = await make_staff(admin, Role.HQ_OPERATOR)
    from policies import Principal

    principal = Principal.staff(staff_id=operator.id, brand_id=operator.brand_id, role=Role.HQ_OPERATOR, store_id=None)
    with pytest.raises(NotAuthorized):
        await tiers.update_tier_program(principal, mode=TierMode.SPEND, evaluation_months=12, levels=three_levels())
    assert await tiers.get_tier_program(principal) is None


async def test_the_qualifying_purchase_earns_at_the_old_level_and_lifts_the_member_with_welcome_points():
    from domain.points import purchases
    from domain.points.models import PointsAccount

    brand, admin, store, member = await brand_with_program()
    boss = hq(admin)
    # 1,000 yuan: Silver (threshold 0) is reached by the first purchase, Gold at 1,000 yuan
    first = await purchases.record_purchase(boss, member_id=member.id, store_id=store.id, amount="1000",
                                            order_id="o-1", channel=purchases.Channel.POS, occurred_at=T0)
    second = await purchases.record_purchase(boss, member_id=member.id, store_id=store.id, amount="100",
                                             order_id="o-2", channel=purchases.Channel.POS, occurred_at=T0)

    # the first earns ×1 (no tier before it) and brings Silver's 10 and Gold's 100 welcome points;
    # the second earns at Gold's ×1.5
    assert first.points_earned == 1000 and second.points_earned == 150
    assert (await PointsAccount.get(member_id=member.id)).balance == 1000 + 10 + 100 + 150
    assert (await MemberTier.get(member_id=member.id)).level == 2
