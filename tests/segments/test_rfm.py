"""RFM scores by quintiles within the brand or by the brand's thresholds, and the segments
they place members in (rules in domain/segments/rfm.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.members.models import Member
from domain.segments.errors import SegmentErrorCode
from domain.segments.models import MemberRfm, RfmMethod, RfmSegment
from domain.segments.rfm import RfmSettingsInput, compute_brand_rfm, update_rfm_settings
from franchise.errors import DomainError
from tests.factories import hq, make_member
from tests.segments.support import NOW, buy


async def enrolled(world, n: int, days_ago: int = 400) -> list[Member]:
    members = [await make_member(world.brand, world.store_a, name=f"m{i}") for i in range(n)]
    await Member.filter(id__in=[m.id for m in members]).update(created_at=NOW - timedelta(days=days_ago))
    return members


async def scores(members: list[Member]) -> list[tuple]:
    rows = {r.member_id: r for r in await MemberRfm.filter(member_id__in=[m.id for m in members])}
    return [(rows[m.id].recency, rows[m.id].frequency, rows[m.id].monetary) for m in members]


async def test_quintiles_rank_buyers_within_the_brand(world):
    # given five buyers, each better than the last in every respect
    members = await enrolled(world, 5)
    for i, member in enumerate(members):
        for order in range(i + 1):
            await buy(member, world.store_a.id, 1000 * (i + 1), NOW - timedelta(days=50 - 10 * i, hours=order))

    # when
    scored = await compute_brand_rfm(world.brand.id, now=NOW)

    # then every member of the brand has a row and the fifths score 1..5
    assert scored == await Member.filter(brand_id=world.brand.id).count()
    assert await scores(members) == [(1, 1, 1), (2, 2, 2), (3, 3, 3), (4, 4, 4), (5, 5, 5)]
    best = await MemberRfm.get(member_id=members[4].id)
    assert (best.order_count, best.net_spend_minor) == (5, 25_000)
    assert best.segment is RfmSegment.HIGH_VALUE


async def test_ties_share_a_score_and_refunds_count_net(world):
    a, b, c = await enrolled(world, 3)
    await buy(a, world.store_a.id, 5000, NOW - timedelta(days=10))
    await buy(b, world.store_a.id, 5000, NOW - timedelta(days=10), refunded_minor=4000)
    await buy(c, world.store_a.id, 5000, NOW - timedelta(days=10), refunded_minor=5000)  # fully refunded

    await compute_brand_rfm(world.brand.id, now=NOW)

    rows = {r.member_id: r for r in await MemberRfm.all()}
    assert rows[a.id].frequency == rows[b.id].frequency  # one order each: the same score
    assert (rows[b.id].net_spend_minor, rows[b.id].order_count) == (1000, 1)
    assert rows[a.id].monetary > rows[b.id].monetary
    assert (rows[c.id].order_count, rows[c.id].frequency) == (0, 1)


async def test_thresholds_score_by_the_brands_cut_offs(world):
    await update_rfm_settings(hq(world.admin), RfmSettingsInput(
        method=RfmMethod.THRESHOLDS, recency_days=[180, 90, 30, 7], frequency_orders=[2, 3, 5, 10],
        monetary_minor=[10_000, 50_000, 100_000, 500_000]))
    (member,) = await enrolled(world, 1)
    for day in (20, 21, 22):  # three orders, 60,000 in all, last 20 days ago
        await buy(member, world.store_a.id, 20_000, NOW - timedelta(days=day))

    await compute_brand_rfm(world.brand.id, now=NOW)

    assert await scores([member]) == [(4, 3, 3)]


async def test_purchases_outside_the_window_do_not_count(world):
    (member,) = await enrolled(world, 1, days_ago=900)
    await buy(member, world.store_a.id, 9_000, NOW - timedelta(days=400))

    await compute_brand_rfm(world.brand.id, now=NOW)

    row = await MemberRfm.get(member_id=member.id)
    assert (row.order_count, row.net_spend_minor, row.recency) == (0, 0, 1)
    assert row.last_purchase_at == NOW - timedelta(days=400)
    assert row.segment is RfmSegment.DORMANT


async def test_segments_new_dormant_at_risk_regular(world):
    new, dormant, lapsing, steady, *rest = await enrolled(world, 8)
    await Member.filter(id=new.id).update(created_at=NOW - timedelta(days=5))
    await buy(new, world.store_a.id, 1000, NOW - timedelta(days=1))
    await buy(dormant, world.store_a.id, 1000, NOW - timedelta(days=200))
    for day in (100, 110, 120, 130):  # bought often and much, but three months ago
        await buy(lapsing, world.store_a.id, 50_000, NOW - timedelta(days=day))
    await buy(steady, world.store_a.id, 1000, NOW - timedelta(days=3))
    for i, member in enumerate(rest):
        await buy(member, world.store_a.id, 2000 + i, NOW - timedelta(days=40 + i))

    await compute_brand_rfm(world.brand.id, now=NOW)

    segment = {r.member_id: r.segment for r in await MemberRfm.all()}
    assert segment[new.id] is RfmSegment.NEW
    assert segment[dormant.id] is RfmSegment.DORMANT
    assert segment[lapsing.id] is RfmSegment.AT_RISK
    assert segment[steady.id] is RfmSegment.REGULAR
    assert segment[world.member_b.id] is RfmSegment.NEW  # enrolled today, never bought


async def test_recompute_replaces_the_previous_rows(world):
    (member,) = await enrolled(world, 1)
    await compute_brand_rfm(world.brand.id, now=NOW)
    await buy(member, world.store_a.id, 1000, NOW)

    await compute_brand_rfm(world.brand.id, now=NOW + timedelta(minutes=1))

    assert await MemberRfm.filter(member_id=member.id).count() == 1
    assert (await MemberRfm.get(member_id=member.id)).order_count == 1


@pytest.mark.parametrize(("given", "field"), [
    (RfmSettingsInput(window_days=0), "windowDays"),
    (RfmSettingsInput(method=RfmMethod.THRESHOLDS, recency_days=[7, 30, 90, 180], frequency_orders=[2, 3, 5, 10],
                      monetary_minor=[1, 2, 3, 4]), "recencyDays"),
    (RfmSettingsInput(method=RfmMethod.THRESHOLDS, recency_days=[180, 90, 30, 7], frequency_orders=[2, 3],
                      monetary_minor=[1, 2, 3, 4]), "frequencyOrders"),
])
async def test_settings_that_cannot_score_are_refused(world, given, field):
    with pytest.raises(DomainError) as refused:
        await update_rfm_settings(hq(world.admin), given)

    assert refused.value.code is SegmentErrorCode.INVALID_RFM_SETTINGS and refused.value.field == field
