"""A page of guide tasks costs the same number of SQL queries whatever the number of members
flagged: every rule is one set-based query, and the page's members come through one loader."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.factories import make_member
from tests.guides.support import TASKS, enrolled_on, give_guide, points_lot

PAGE = TASKS.replace("member { id name }", "member { id name phone homeStore { code } guide { id } }")


async def flag_members(g, count: int) -> None:
    now = datetime.now(UTC)
    members = [await make_member(g.brand, g.store_a, name=f"M{i}") for i in range(count)]
    for member in members:
        await enrolled_on(member, now - timedelta(days=200))  # dormant
        await points_lot(member, 10, earned_at=now - timedelta(days=300), expires_at=now + timedelta(days=5))
    await give_guide(g, g.clerk_a, *members)


async def page_queries(gql, g, count_queries) -> tuple[int, int]:
    with count_queries() as counter:
        body = await gql(PAGE, {"first": 50}, token=g.tokens["clerk_a"])
    return counter.count, len(body["data"]["guideTasks"]["edges"])


async def test_a_page_of_tasks_costs_constant_queries(gql, guides, count_queries):
    g = guides
    await flag_members(g, 3)
    small, small_rows = await page_queries(gql, g, count_queries)
    await flag_members(g, 30)
    large, large_rows = await page_queries(gql, g, count_queries)

    assert (small_rows, large_rows) == (6, 50)
    assert small == large, (small, large)
    assert large <= 16, large


async def test_tasks_page_by_cursor_without_repeats(gql, guides):
    g = guides
    await flag_members(g, 4)  # 8 tasks: 4 expiring points, 4 dormant

    first = (await gql(TASKS, {"first": 5}, token=g.tokens["clerk_a"]))["data"]["guideTasks"]
    rest = (await gql(TASKS, {"first": 5, "after": first["pageInfo"]["endCursor"]},
                      token=g.tokens["clerk_a"]))["data"]["guideTasks"]

    seen = [(e["node"]["member"]["id"], e["node"]["reason"]) for e in first["edges"] + rest["edges"]]
    assert first["totalCount"] == 8 and first["pageInfo"]["hasNextPage"] is True
    assert len(seen) == len(set(seen)) == 8 and rest["pageInfo"]["hasNextPage"] is False
    assert [r for _, r in seen] == ["POINTS_EXPIRING"] * 4 + ["DORMANT"] * 4
