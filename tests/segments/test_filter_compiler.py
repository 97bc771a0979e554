"""Each criterion of the segment filter, compiled to one query, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta, timezone

import pytest

from domain.members.models import Member, MemberSource
from domain.segments.errors import SegmentErrorCode
from domain.segments.filters import SegmentFilter, filter_from_json, filter_to_json, member_ids_query
from domain.segments.models import MemberRfm, RfmSegment
from franchise.errors import DomainError
from tests.factories import make_member
from tests.segments.support import NOW, buy, give_points, give_wallet, set_tier, tag


async def matching(world, flt: SegmentFilter, store_id: int | None = None) -> set[int]:
    query = await member_ids_query(world.brand.id, flt, store_id=store_id, now=NOW)
    return set(await query.values_list("id", flat=True))


@pytest.fixture
async def people(world):
    """member_a (store A) and member_b (store B) plus c (store A), every one different."""
    world.member_c = await make_member(world.brand, world.store_a, name="Chen")
    return world


async def test_empty_filter_matches_every_member_of_the_brand_only(people):
    assert await matching(people, SegmentFilter()) == {people.member_a.id, people.member_b.id, people.member_c.id}


async def test_store_confinement_wins_over_home_store_ids_of_another_store(people):
    flt = SegmentFilter(home_store_ids=(people.store_b.id,))

    assert await matching(people, flt) == {people.member_b.id}
    assert await matching(people, flt, store_id=people.store_a.id) == set()
    assert await matching(people, SegmentFilter(), store_id=people.store_a.id) == {people.member_a.id,
                                                                                 people.member_c.id}


async def test_city_is_the_home_stores_city(people):
    assert await matching(people, SegmentFilter(cities=("Hangzhou",))) == {people.member_b.id}


async def test_tier_level_zero_includes_members_without_a_tier_row(people):
    await set_tier(people.member_a, 2)
    await set_tier(people.member_b, 0)

    assert await matching(people, SegmentFilter(tier_levels=(2,))) == {people.member_a.id}
    assert await matching(people, SegmentFilter(tier_levels=(0,))) == {people.member_b.id, people.member_c.id}


async def test_tags_any_and_all(people):
    await tag(people.member_a, "vip")
    await tag(people.member_a, "coffee")
    await tag(people.member_c, "coffee")

    assert await matching(people, SegmentFilter(tags_any=("vip", "coffee"))) == {people.member_a.id,
                                                                                people.member_c.id}
    assert await matching(people, SegmentFilter(tags_all=("vip", "coffee"))) == {people.member_a.id}


async def test_another_stores_tag_selects_nobody_for_a_store_confined_query(people):
    # HQ put store B's tag on a store A member (a transfer left it behind): store A cannot see it.
    await tag(people.member_a, "regular", store_id=people.store_b.id)
    await tag(people.member_c, "regular", store_id=people.store_a.id)
    flt = SegmentFilter(tags_any=("regular",))

    assert await matching(people, flt) == {people.member_a.id, people.member_c.id}
    assert await matching(people, flt, store_id=people.store_a.id) == {people.member_c.id}


async def test_rfm_segment(people):
    await MemberRfm.create(brand_id=people.brand.id, member_id=people.member_b.id, recency=1, frequency=1,
                           monetary=1, segment=RfmSegment.DORMANT, computed_at=NOW)

    assert await matching(people, SegmentFilter(rfm_segments=(RfmSegment.DORMANT,))) == {people.member_b.id}


async def test_points_balance_range_counts_no_account_as_zero(people):
    await give_points(people.member_a, 500)
    await give_points(people.member_b, 50)

    assert await matching(people, SegmentFilter(points_min=100)) == {people.member_a.id}
    assert await matching(people, SegmentFilter(points_max=100)) == {people.member_b.id, people.member_c.id}
    assert await matching(people, SegmentFilter(points_min=50, points_max=500)) == {people.member_a.id,
                                                                                  people.member_b.id}


async def test_wallet_range_is_principal_plus_bonus(people):
    await give_wallet(people.member_a, 8_000, 2_000)
    await give_wallet(people.member_b, 9_000, 0)

    assert await matching(people, SegmentFilter(wallet_min_minor=10_000)) == {people.member_a.id}
    assert await matching(people, SegmentFilter(wallet_max_minor=9_500)) == {people.member_b.id, people.member_c.id}


async def test_points_expiring_within_days_at_least(people):
    await give_points(people.member_a, 300, expiring=300, expires_at=NOW + timedelta(days=5))
    await give_points(people.member_b, 300, expiring=300, expires_at=NOW + timedelta(days=40))
    await give_points(people.member_c, 20, expiring=20, expires_at=NOW + timedelta(days=5))

    assert await matching(people, SegmentFilter(expiring_within_days=30)) == {people.member_a.id,
                                                                            people.member_c.id}
    assert await matching(people, SegmentFilter(expiring_within_days=30, expiring_at_least=100)) == {
        people.member_a.id}


async def test_last_purchase_before_and_after(people):
    await buy(people.member_a, people.store_a.id, 1000, NOW - timedelta(days=100))
    await buy(people.member_b, people.store_b.id, 1000, NOW - timedelta(days=100))
    await buy(people.member_b, people.store_b.id, 1000, NOW - timedelta(days=2))
    cutoff = NOW - timedelta(days=30)

    assert await matching(people, SegmentFilter(last_purchase_before=cutoff)) == {people.member_a.id}
    assert await matching(people, SegmentFilter(last_purchase_after=cutoff)) == {people.member_b.id}


async def test_birthday_month(people):
    await Member.filter(id=people.member_a.id).update(birthday=date(1990, 3, 9))
    await Member.filter(id=people.member_b.id).update(birthday=date(1991, 12, 31))

    assert await matching(people, SegmentFilter(birthday_month=3)) == {people.member_a.id}
    assert await matching(people, SegmentFilter(birthday_month=12)) == {people.member_b.id}


async def test_source_channel(people):
    await Member.filter(id=people.member_c.id).update(source=MemberSource.IMPORT)

    assert await matching(people, SegmentFilter(sources=(MemberSource.IMPORT,))) == {people.member_c.id}


async def test_criteria_combine_with_and(people):
    await give_points(people.member_a, 500)
    await give_points(people.member_c, 500)
    await tag(people.member_a, "vip")

    assert await matching(people, SegmentFilter(points_min=100, tags_any=("vip",))) == {people.member_a.id}


@pytest.mark.parametrize(("flt", "field"), [
    (SegmentFilter(points_min=10, points_max=5), "pointsMin"),
    (SegmentFilter(wallet_min_minor=10, wallet_max_minor=5), "walletMinMinor"),
    (SegmentFilter(birthday_month=13), "birthdayMonth"),
    (SegmentFilter(tier_levels=(11,)), "tierLevels"),
    (SegmentFilter(expiring_within_days=-1), "expiringWithinDays"),
    (SegmentFilter(last_purchase_after=NOW, last_purchase_before=NOW - timedelta(days=1)), "lastPurchaseAfter"),
])
async def test_meaningless_filter_is_refused(people, flt, field):
    with pytest.raises(DomainError) as refused:
        await member_ids_query(people.brand.id, flt, now=NOW)

    assert refused.value.code is SegmentErrorCode.INVALID_FILTER and refused.value.field == field


async def test_another_brands_store_is_refused(people):
    with pytest.raises(DomainError) as refused:
        await member_ids_query(people.brand.id, SegmentFilter(home_store_ids=(people.other_store.id,)), now=NOW)

    assert refused.value.field == "homeStoreIds"


def test_filter_survives_its_json_form():
    flt = SegmentFilter(tier_levels=(1, 2), tags_all=("vip",), rfm_segments=(RfmSegment.AT_RISK,),
                        sources=(MemberSource.IMPORT,), last_purchase_before=NOW, points_min=0)

    assert filter_from_json(filter_to_json(flt)) == flt
    assert filter_from_json(filter_to_json(replace(flt, points_min=None))).points_min is None


async def test_last_purchase_before_is_exact_to_the_second_in_any_time_zone(people):
    cutoff = NOW - timedelta(days=30)
    await buy(people.member_a, people.store_a.id, 1000, cutoff - timedelta(seconds=1))
    await buy(people.member_b, people.store_b.id, 1000, cutoff)
    shanghai_cutoff = cutoff.astimezone(timezone(timedelta(hours=8)))

    assert await matching(people, SegmentFilter(last_purchase_before=shanghai_cutoff)) == {people.member_a.id}
    assert await matching(people, SegmentFilter(last_purchase_after=shanghai_cutoff)) == {people.member_b.id}
