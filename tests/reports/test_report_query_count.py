"""A report costs the same number of SQL statements whatever the number of stores, cities or
members: every figure is one grouped query."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bench.generate_brand import generate
from domain.reports import service
from franchise.models import Staff
from tests.factories import hq, make_brand, make_member, make_store

NOW = datetime(2026, 11, 1, 4, tzinfo=UTC)


async def _statements(count_queries, admin, group_by) -> int:
    with count_queries() as counter:
        await service.brand_report(hq(admin), first_day=date(2026, 1, 1), last_day=date(2026, 10, 31),
                                   group_by=group_by)
    return counter.count


async def test_brand_report_statements_do_not_grow_with_stores_and_members(count_queries):
    brand, small_admin = await make_brand("small")
    await make_member(brand, await make_store(small_admin, "A"))  # 1 store, 1 city, 1 member
    large = await generate(300, seed=2, brand_slug="large", now=NOW)  # 20 stores, 6 cities, 300 members
    large_admin = await Staff.get(brand_id=large["brand_id"], role="hq_admin")

    for group_by in service.Grouping:
        assert await _statements(count_queries, small_admin, group_by) == \
            await _statements(count_queries, large_admin, group_by) <= 20


async def test_store_report_statements_are_a_constant_handful(count_queries):
    brand = await generate(100, seed=3, brand_slug="one", now=NOW)
    admin = await Staff.get(brand_id=brand["brand_id"], role="hq_admin")

    with count_queries() as counter:
        await service.store_report(hq(admin), store_id=brand["store_ids"][0], first_day=date(2026, 10, 1),
                                   last_day=date(2026, 10, 31))

    assert counter.count <= 16
