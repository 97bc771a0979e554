"""Overlapping RFM computations on PostgreSQL (the nightly job and an HQ recompute, or two
clicks): the brand's row lock orders them, so each replaces the brand's rows whole and none
breaks the one-row-per-member key. Real concurrent calls, each on its own connection."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from domain.members.models import Member
from domain.segments.models import MemberRfm
from domain.segments.rfm import RfmSettingsInput, compute_brand_rfm, recompute_rfm, update_rfm_settings
from tests.conftest import requires_postgres
from tests.factories import hq, make_member
from tests.segments.support import NOW, buy

pytestmark = requires_postgres


async def test_overlapping_computations_each_replace_the_brands_rows_once(world):
    members = [await make_member(world.brand, world.store_a, name=f"m{i}") for i in range(12)]
    for i, member in enumerate(members):
        await buy(member, world.store_a.id, 1000 * (i + 1), NOW - timedelta(days=i))

    results = await asyncio.gather(
        *(compute_brand_rfm(world.brand.id, now=NOW) for _ in range(3)),
        *(recompute_rfm(hq(world.admin), now=NOW) for _ in range(3)),
    )

    brand_members = await Member.filter(brand_id=world.brand.id).count()
    assert results == [brand_members] * 6
    assert await MemberRfm.filter(brand_id=world.brand.id).count() == brand_members


async def test_two_first_saves_of_the_settings_at_once_both_succeed(world):
    saved = await asyncio.gather(*(update_rfm_settings(hq(world.admin), RfmSettingsInput(window_days=days))
                                   for days in (90, 180)))

    assert sorted(s.window_days for s in saved) == [90, 180]
