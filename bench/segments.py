"""Benchmark: segment pages, the RFM computation and the rule-tag job on a generated brand.

    LOYALTY_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/segments.py

On PostgreSQL the URL names a server: the benchmark creates its own database there, generates
the brand with `bench/generate_brand.py` (default 100,000 members, two years of history) and
drops the database at the end. Without the variable it uses a temporary SQLite file.

It measures, in this order:
- the rule-tag job with three rules (first run: every tag added; second run: steady state);
- the RFM computation for the brand (every member scored in one INSERT … SELECT);
- `segmentMembers(first: 50)` with `totalCount` through the in-process ASGI app for six
  representative filters, by an hq_operator, and the store manager's confinement, each
  request repeated (one client, so the latency is the query's own), with the SQL statements
  one page costs;
- on PostgreSQL, EXPLAIN ANALYZE of the heaviest filter's count, printed for the record.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asgi_lifespan import LifespanManager
from tortoise import Tortoise

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generate_brand import generate  # noqa: E402
from bench.members_page import Caller, bench_database, counting_queries, login  # noqa: E402
from domain.runtime import LoggingCodeSender, Runtime  # noqa: E402
from domain.segments.filters import SegmentFilter, member_ids_query  # noqa: E402
from domain.segments.models import RfmSegment, TagRule, TagRuleKind  # noqa: E402
from domain.segments.rfm import compute_brand_rfm  # noqa: E402
from domain.segments.rules import recompute_rule_tags  # noqa: E402
from server import db  # noqa: E402
from server.app import create_app  # noqa: E402
from server.redis import make_redis  # noqa: E402
from server.settings import Settings  # noqa: E402

SLUG = "bench"
PAGE = """query($filter: SegmentFilterInput) { segmentMembers(filter: $filter, first: 50) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id name points tags homeStore { code } rfm { segment } } } } }"""
RULES = [("big-spender", TagRuleKind.SPENT_AT_LEAST, 300_000, 90), ("regular", TagRuleKind.ORDERS_AT_LEAST, 3, 90),
         ("multi-store", TagRuleKind.STORES_AT_LEAST, 2, 180)]


def filters(now: datetime, store_ids: list[int]) -> list[tuple[str, dict]]:
    return [
        ("no filter (whole brand)", {}),
        ("RFM AT_RISK + tier >= 1", {"rfmSegments": ["AT_RISK"], "tierLevels": [1, 2, 3]}),
        ("tag big-spender or regular, city Shanghai", {"tagsAny": ["big-spender", "regular"], "cities": ["Shanghai"]}),
        ("points >= 500 expiring within 30 days", {"pointsMin": 500, "expiringWithinDays": 30, "expiringAtLeast": 100}),
        ("last purchase before 180 days ago, wallet >= 100", {
            "lastPurchaseBefore": (now - timedelta(days=180)).isoformat(), "walletMin": "100.00"}),
        ("birthday month 3, source STORE_QR, 2 stores", {
            "birthdayMonth": 3, "sources": ["STORE_QR"], "homeStoreIds": [str(s) for s in store_ids[:2]]}),
    ]


async def timed(work) -> tuple[float, object]:
    began = time.perf_counter()
    result = await work
    return time.perf_counter() - began, result


async def explain(brand_id: int, now: datetime) -> str:
    flt = SegmentFilter(rfm_segments=(RfmSegment.AT_RISK,), tier_levels=(1, 2, 3), points_min=100)
    query = await member_ids_query(brand_id, flt, now=now)
    connection = Tortoise.get_connection("default")
    # The queryset's own parameterised SQL (inlined parameters lose the quotes of enum values).
    query = query.only("id")
    query._choose_db_if_not_chosen()
    query._make_query()
    sql, params = query.query.get_parameterized_sql()
    _, rows = await connection.execute_query(f"EXPLAIN (ANALYZE, BUFFERS OFF) SELECT COUNT(*) FROM ({sql}) q", params)
    return "\n".join(r["QUERY PLAN"] for r in rows)


async def run(args: argparse.Namespace) -> None:
    requested = os.environ.get("LOYALTY_BENCH_DATABASE_URL", "")
    async with bench_database(requested) as url:
        await db.migrate(url)
        await db.close_db()
        settings = Settings(env="test", database_url=url, secret_key="bench-secret-" + "x" * 32, db_pool_max=8)
        runtime = Runtime(redis=make_redis(None), code_sender=LoggingCodeSender(), secret_key=settings.secret_key)
        app = create_app(settings, runtime=runtime)
        async with LifespanManager(app):
            now = datetime.now(UTC)
            generated = await generate(args.members, brand_slug=SLUG, now=now)
            brand_id, store_ids = generated["brand_id"], generated["store_ids"]
            on_postgres = url.startswith("postgres")
            if on_postgres:
                await Tortoise.get_connection("default").execute_script("ANALYZE")
            for tag, kind, threshold, days in RULES:
                await TagRule.create(brand_id=brand_id, tag=tag, kind=kind, threshold=threshold, days=days)
            jobs = [("rule-tag job, 3 rules, first run", *await timed(recompute_rule_tags(now=now))),
                    ("rule-tag job, 3 rules, second run", *await timed(recompute_rule_tags(now=now))),
                    ("RFM computation (every member)", *await timed(compute_brand_rfm(brand_id, now=now)))]
            if on_postgres:
                await Tortoise.get_connection("default").execute_script("ANALYZE")

            caller = Caller(app, "10.0.0.1")
            tokens = {"hq_operator": await login(caller, f"operator@{SLUG}.test"),
                      "store_manager": await login(caller, f"manager@{SLUG}.test")}
            pages = []
            for who, token in tokens.items():
                for name, flt in filters(now, store_ids):
                    await caller.graphql(PAGE, {"filter": flt}, token)  # warm caches and plans
                    with counting_queries() as counter:
                        data = await caller.graphql(PAGE, {"filter": flt}, token)
                    latencies = []
                    for _ in range(args.repeat):
                        began = time.perf_counter()
                        await caller.graphql(PAGE, {"filter": flt}, token)
                        latencies.append((time.perf_counter() - began) * 1000)
                    pages.append((who, name, data["segmentMembers"]["totalCount"], counter.count,
                                  statistics.median(latencies), max(latencies)))
            plan = await explain(brand_id, now) if on_postgres else ""
            await caller.http.aclose()

    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"\n{engine}, {args.members:,} members generated in {generated['seconds']} s "
          f"({generated['rows'].get('purchase', 0):,} purchases)\n")
    print("| job | seconds | rows changed |")
    print("|---|---:|---:|")
    for name, seconds, changed in jobs:
        print(f"| {name} | {seconds:.2f} | {changed:,} |")
    print(f"\n| segmentMembers(first: 50) + totalCount | caller | members matched | SQL statements | "
          f"p50 ms ({args.repeat} runs) | max ms |")
    print("|---|---|---:|---:|---:|---:|")
    for who, name, total, statements, p50, worst in pages:
        print(f"| {name} | {who} | {total:,} | {statements} | {p50:.0f} | {worst:.0f} |")
    if plan:
        print("\nEXPLAIN ANALYZE, count of RFM AT_RISK + tier >= 1 + points >= 100:\n")
        print("```\n" + plan + "\n```")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=10, help="timed requests per filter (default 10)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
