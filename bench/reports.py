"""Benchmark: storeReport and brandReport (by store and by city, over a month and a year) on a
generated 100,000-member brand.

    LOYALTY_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/loyalty_bench python bench/reports.py

The database is migrated; when it holds no brand `bench` yet, bench/generate_brand.py writes
one (--members, default 100,000). Each report runs through the report services (the SQL
aggregates GraphQL and the CLI share) --repeat times after one warm-up run; the table gives the
median and slowest time and the SQL statements one report costs. Both the month and the year
end on the generated history's last day.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.generate_brand import generate  # noqa: E402
from domain.points.models import Purchase  # noqa: E402
from domain.reports import figures, service  # noqa: E402
from franchise.models import Brand, Staff, Store  # noqa: E402
from policies import Principal, Role, enforcer  # noqa: E402
from server import db  # noqa: E402
from tortoise.functions import Count  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/loyalty_bench"


async def _ensure_database(url: str) -> None:
    if not url.startswith(("postgres://", "postgresql://")):
        return
    import asyncpg

    base, name = url.rsplit("/", 1)
    connection = await asyncpg.connect(f"{base}/postgres")
    try:
        if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


class Counted:
    """Counts the SQL statements the report figures run."""

    def __init__(self) -> None:
        self.statements = 0
        self._rows = figures._rows

    async def __call__(self, sql: str, params: list) -> list[dict]:
        self.statements += 1
        return await self._rows(sql, params)


async def _timed(name: str, work, repeat: int, counter: Counted) -> str:
    await work()  # warm-up: plans and caches
    counter.statements = 0
    await work()
    statements = counter.statements
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        await work()
        seconds.append(time.perf_counter() - started)
    ms = sorted(s * 1000 for s in seconds)
    return f"| {name} | {repeat} | {statistics.median(ms):.0f} | {ms[-1]:.0f} | {statements} |"


async def main(args: argparse.Namespace) -> None:
    await _ensure_database(args.database_url)
    await db.migrate(args.database_url)
    await db.close_db()
    await db.init_db(args.database_url)
    try:
        await enforcer.load_enforcer()
        brand = await Brand.filter(slug="bench").first()
        if brand is None:
            print(f"generating {args.members:,} members ...", file=sys.stderr)
            print(await generate(args.members), file=sys.stderr)
            brand = await Brand.get(slug="bench")
        admin = await Staff.filter(brand_id=brand.id, role=Role.HQ_ADMIN.value).first()
        hq = Principal.staff(staff_id=admin.id, brand_id=brand.id, role=Role.HQ_ADMIN, store_id=None)
        last = (await Purchase.filter(brand_id=brand.id).order_by("-occurred_at").first()).occurred_at.date()
        busiest = (await Purchase.filter(brand_id=brand.id).annotate(n=Count("id")).group_by("store_id")
                   .order_by("-n").values_list("store_id", flat=True))[0]
        store = await Store.get(id=busiest)
        counter = Counted()
        figures._rows = counter
        members = await brand.members.all().count()
        purchases = await Purchase.filter(brand_id=brand.id).count()
        print(f"brand `bench`: {members:,} members, {purchases:,} purchases, "
              f"{await Store.filter(brand_id=brand.id).count()} stores; ranges end {last}\n")
        print("| report | runs | median ms | max ms | SQL statements |")
        print("|---|---|---|---|---|")
        for label, days in (("month", 30), ("year", 365)):
            first = last - timedelta(days=days - 1)

            async def store_report(first: date = first) -> None:
                await service.store_report(hq, store_id=store.id, first_day=first, last_day=last)

            async def by_store(first: date = first) -> None:
                await service.brand_report(hq, first_day=first, last_day=last, group_by=service.Grouping.STORE)

            async def by_city(first: date = first) -> None:
                await service.brand_report(hq, first_day=first, last_day=last, group_by=service.Grouping.CITY)

            print(await _timed(f"storeReport ({store.code}), a {label}", store_report, args.repeat, counter))
            print(await _timed(f"brandReport STORE, a {label}", by_store, args.repeat, counter))
            print(await _timed(f"brandReport CITY, a {label}", by_city, args.repeat, counter))
    finally:
        await db.close_db()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("LOYALTY_BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    asyncio.run(main(parser.parse_args()))
