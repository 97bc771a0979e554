"""Which campaign shapes an earning: dates and weekdays are the brand's local ones (boundaries
at local midnight), restricted by store, tier level and member tags; when several apply the
brand's rule decides (HIGHEST by default, or PRIORITY). Every ledger entry names its campaign."""

from __future__ import annotations

from datetime import date, datetime, timezone

from domain.channels.models import ChannelOrder
from domain.engagement import settings
from domain.engagement.models import CampaignRule
from domain.members.models import MemberTag
from domain.tiers import service as tiers
from domain.tiers.models import MemberTier, TierMode
from tests.campaigns.support import buy, campaign
from tests.channels.support import import_orders, order
from tests.factories import hq, make_api_client

UTC = timezone.utc


async def test_campaign_dates_begin_and_end_at_the_brands_local_midnight(world):
    # Asia/Shanghai (UTC+8): 1-7 October local is 30 Sep 16:00 UTC to 7 Oct 16:00 UTC
    double = await campaign(world, starts=date(2026, 10, 1), ends=date(2026, 10, 7))

    earned = [await buy(world, f"o-{n}", at) for n, at in enumerate([
        datetime(2026, 9, 30, 15, 59, 59, tzinfo=UTC), datetime(2026, 9, 30, 16, 0, tzinfo=UTC),
        datetime(2026, 10, 7, 15, 59, 59, tzinfo=UTC), datetime(2026, 10, 7, 16, 0, tzinfo=UTC)])]

    assert earned == [(100, None), (200, double), (200, double), (100, None)]


async def test_a_member_day_is_a_local_weekday(world):
    # Wednesdays: 2026-11-25 is one; 00:30 Wednesday in Shanghai is Tuesday 16:30 UTC
    member_day = await campaign(world, starts=date(2026, 11, 1), ends=date(2026, 11, 30), weekdays=[3])

    earned = [await buy(world, f"o-{n}", at) for n, at in enumerate([
        datetime(2026, 11, 24, 15, 30, tzinfo=UTC),  # Tuesday 23:30 local
        datetime(2026, 11, 24, 16, 30, tzinfo=UTC),  # Wednesday 00:30 local
        datetime(2026, 11, 25, 15, 59, tzinfo=UTC),  # Wednesday 23:59 local
        datetime(2026, 11, 25, 16, 0, tzinfo=UTC)])]  # Thursday 00:00 local

    assert earned == [(100, None), (200, member_day), (200, member_day), (100, None)]


async def test_double_points_at_store_b_for_members_tagged_store_a_regular(world):
    at = datetime(2026, 12, 25, 4, tzinfo=UTC)
    holiday = await campaign(world, starts=date(2026, 12, 24), ends=date(2026, 12, 26),
                             store_ids=[world.store_b.id], member_tags=["store A regular"])
    await MemberTag.create(brand_id=world.brand.id, member_id=world.member_a.id, tag="store A regular")

    tagged_at_b = await buy(world, "o-1", at, store=world.store_b)
    tagged_at_a = await buy(world, "o-2", at)
    untagged_at_b = await buy(world, "o-3", at, member=world.member_b, store=world.store_b)

    assert (tagged_at_b, tagged_at_a, untagged_at_b) == ((200, holiday), (100, None), (100, None))


async def test_a_stores_own_tag_counts_for_campaigns_at_that_store_only(world):
    at = datetime(2026, 12, 25, 4, tzinfo=UTC)
    holiday = await campaign(world, starts=date(2026, 12, 24), ends=date(2026, 12, 26), member_tags=["vip"])
    await MemberTag.create(brand_id=world.brand.id, member_id=world.member_a.id, tag="vip", store_id=world.store_a.id)

    at_a = await buy(world, "o-1", at)
    at_b = await buy(world, "o-2", at, store=world.store_b)

    assert (at_a, at_b) == ((200, holiday), (100, None))


async def test_a_tier_restricted_campaign_multiplies_on_top_of_the_tier(world):
    await tiers.update_tier_program(hq(world.admin), mode=TierMode.SPEND, evaluation_months=12, levels=[
        tiers.Level(1, "Silver", 0), tiers.Level(2, "Gold", 50_00, points_multiplier="1.5"),
        tiers.Level(3, "Black", 1_000_000_00)])
    gold_only = await campaign(world, starts=date(2026, 1, 1), ends=date(2026, 12, 31), tier_levels=[2])
    at = datetime(2026, 6, 1, 4, tzinfo=UTC)

    first = await buy(world, "o-1", at)  # level 0 before it: no campaign; it lifts the member to Gold
    second = await buy(world, "o-2", at)  # Gold: 1.5 x 2

    assert (await MemberTier.get(member_id=world.member_a.id)).level == 2
    assert (first, second) == ((100, None), (300, gold_only))


async def test_highest_multiplier_wins_by_default_and_priority_when_the_brand_says_so(world):
    at = datetime(2026, 11, 11, 4, tzinfo=UTC)
    triple = await campaign(world, "triple", starts=date(2026, 11, 1), ends=date(2026, 11, 30), multiplier="3")
    favoured = await campaign(world, "favoured", starts=date(2026, 11, 11), ends=date(2026, 11, 11),
                              multiplier="1.5", priority=10)

    by_highest = await buy(world, "o-1", at)
    await settings.update_engagement_settings(hq(world.admin), settings.SettingsInput(
        campaign_rule=CampaignRule.PRIORITY))
    by_priority = await buy(world, "o-2", at)

    assert (by_highest, by_priority) == ((300, triple), (150, favoured))


async def test_growth_acceleration_counts_more_growth_value(world):
    await tiers.update_tier_program(hq(world.admin), mode=TierMode.GROWTH, evaluation_months=12, levels=[
        tiers.Level(1, "Silver", 0), tiers.Level(2, "Gold", 500), tiers.Level(3, "Black", 10_000)])
    await campaign(world, "growth", starts=date(2026, 11, 1), ends=date(2026, 11, 30), multiplier="1",
                   growth_multiplier="2.5")

    earned = await buy(world, "o-1", datetime(2026, 11, 11, 4, tzinfo=UTC), amount="200.00")

    assert earned == (200, None)  # points unchanged
    standing = await MemberTier.get(member_id=world.member_a.id)
    assert (standing.qualifying, standing.level) == (500, 2)


async def test_an_unmatched_channel_order_records_the_campaign_of_its_pending_points(gql, world):
    double = await campaign(world, starts=date(2026, 11, 20), ends=date(2026, 11, 20))
    token = await make_api_client(world.admin, ["orders:import"])

    payload = await import_orders(gql, token, [order("T-1", "+8613912340000", "10.00", "2026-11-20T23:00:00+08:00"),
                                               order("T-2", "+8613912340000", "10.00", "2026-11-21T00:00:00+08:00")])

    assert [r["points"] for r in payload["results"]] == [20, 10]
    assert await ChannelOrder.filter(brand_id=world.brand.id).order_by("id").values_list("campaign_id", flat=True) == [
        double, None]
