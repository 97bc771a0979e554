"""Benchmark: importChannelOrders throughput, 10,000 orders in batches of 1,000, through the app.

    LOYALTY_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/channel_import.py

The URL names a PostgreSQL server (default the one above; the benchmark creates, migrates and
drops its own database there); `sqlite` runs on a temporary SQLite file instead. It seeds a brand
with 3 stores and --members members (bulk insert), then sends --orders orders (default 10,000) of
--batch (1,000) each through the real Starlette + Strawberry app in-process (httpx over ASGI) with
a partner API key (`orders:import`): half of the orders' phones are members (spread over all of
them), half are not (their points wait). Scenarios, each over the same order set:

- first import: every order new (ACCEPTED or PENDING_MEMBER), one batch at a time;
- the same orders again: every order a DUPLICATE (the idempotency path);
- the first import of a second order set by --clients partners at once.

Each response is checked (no error; the expected outcomes), the ledgers are verified at the end,
and the SQL statements of one batch are counted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from asgi_lifespan import LifespanManager
from httpx import ASGITransport, AsyncClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.members_page import bench_database, counting_queries  # noqa: E402
from domain.channels.verify import verify_channel_orders  # noqa: E402
from domain.members.models import Member, MemberSource  # noqa: E402
from domain.members.service import new_referral_code  # noqa: E402
from domain.points.verify import verify_ledgers  # noqa: E402
from domain.runtime import LoggingCodeSender, Runtime  # noqa: E402
from franchise import api_clients, brands, stores  # noqa: E402
from policies import Principal, Role  # noqa: E402
from server import db  # noqa: E402
from server.app import create_app  # noqa: E402
from server.redis import make_redis  # noqa: E402
from server.settings import Settings  # noqa: E402

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
IMPORT = """mutation($input: ImportChannelOrdersInput!) { importChannelOrders(input: $input) {
  accepted duplicates pending rejected errors { code message } } }"""


async def seed(member_count: int, clients: int) -> tuple[list[str], list[str]]:
    brand, admin = await brands.create_brand(Principal.platform(), slug="bench", name="Bench Bakery",
                                             admin_email="admin@bench.test", admin_password="bench-password-123")
    hq = Principal.staff(staff_id=admin.id, brand_id=brand.id, role=Role.HQ_ADMIN, store_id=None)
    store_ids = [(await stores.create_store(hq, code=code, name=code, city="Shanghai")).id
                 for code in ("SH01", "SH02", "HZ01")]
    codes: set[str] = set()
    while len(codes) < member_count:
        codes.add(new_referral_code())
    await Member.bulk_create([
        Member(brand_id=brand.id, phone=f"+86138{i:08d}", name=f"Member {i}", home_store_id=store_ids[i % 3],
               source=MemberSource.IMPORT, referral_code=code) for i, code in enumerate(sorted(codes))
    ], batch_size=1000)
    keys = [(await api_clients.create_api_client(hq, name=f"Marketplace {i}", scopes=["orders:import"]))[1]
            for i in range(clients)]
    return [f"+86138{i:08d}" for i in range(member_count)], keys


def order_set(prefix: str, count: int, member_phones: list[str], rng: random.Random) -> list[dict]:
    paid = datetime.now(timezone.utc) - timedelta(days=3)
    orders = []
    for n in range(count):
        phone = rng.choice(member_phones) if n % 2 == 0 else f"+86139{rng.randrange(10**8):08d}"
        orders.append({"externalId": f"{prefix}-{n}", "phone": phone, "amount": f"{rng.randrange(500, 50_000) / 100:.2f}",
                       "paidAt": (paid + timedelta(seconds=n)).isoformat()})
    return orders


async def send(http: AsyncClient, key: str, batch: list[dict]) -> dict:
    response = await http.post("/graphql", headers={"authorization": f"Bearer {key}"},
                               json={"query": IMPORT, "variables": {"input": {"channel": "TMALL", "orders": batch}}})
    body = response.json()
    if response.status_code != 200 or body.get("errors") or body["data"]["importChannelOrders"]["errors"]:
        raise RuntimeError(f"import failed: {response.status_code} {body}")
    return body["data"]["importChannelOrders"]


async def run_scenario(name: str, http: AsyncClient, keys: list[str], orders: list[dict], batch: int,
                       expect: str) -> tuple[str, int, float, list[float]]:
    batches = [orders[i:i + batch] for i in range(0, len(orders), batch)]
    seconds: list[float] = []

    async def partner(index: int) -> None:
        for b in batches[index::len(keys)]:
            began = time.perf_counter()
            result = await send(http, keys[index], b)
            seconds.append(time.perf_counter() - began)
            if expect == "new" and result["duplicates"] + result["rejected"]:
                raise RuntimeError(f"unexpected outcomes: {result}")
            if expect == "duplicate" and result["duplicates"] != len(b):
                raise RuntimeError(f"unexpected outcomes: {result}")

    began = time.perf_counter()
    await asyncio.gather(*(partner(i) for i in range(len(keys))))
    return name, len(orders), time.perf_counter() - began, seconds


async def run(args: argparse.Namespace) -> None:
    requested = os.environ.get("LOYALTY_BENCH_DATABASE_URL", DEFAULT_SERVER)
    async with bench_database("" if requested == "sqlite" else requested) as url:
        await db.migrate(url)
        await db.close_db()
        settings = Settings(env="test", database_url=url, secret_key="bench-secret-" + "x" * 32,
                            db_pool_max=args.clients + 4)
        app = create_app(settings, runtime=Runtime(redis=make_redis(None), code_sender=LoggingCodeSender(),
                                                   secret_key=settings.secret_key))
        async with LifespanManager(app):
            phones, keys = await seed(args.members, args.clients)
            rng = random.Random(20261125)
            first, second = order_set("A", args.orders, phones, rng), order_set("B", args.orders, phones, rng)
            async with AsyncClient(transport=ASGITransport(app=app), base_url="http://bench", timeout=300) as http:
                with counting_queries() as counter:
                    await send(http, keys[0], order_set("W", args.batch, phones, rng))  # warm-up, counted
                statements = counter.count
                results = [
                    await run_scenario("first import, 1 partner", http, keys[:1], first, args.batch, "new"),
                    await run_scenario("same orders again (all DUPLICATE), 1 partner", http, keys[:1], first,
                                       args.batch, "duplicate"),
                    await run_scenario(f"first import, {args.clients} partners at once", http, keys, second,
                                       args.batch, "new"),
                ]
            problems = await verify_ledgers()
            channel_problems = await verify_channel_orders()
            if problems or channel_problems:
                raise RuntimeError(f"inconsistent: {problems[:3]} {channel_problems[:3]}")
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"\n{engine}, {args.members:,} members, {args.orders:,} orders per scenario in batches of "
          f"{args.batch:,} (half of the phones members), in-process ASGI\n")
    print("| scenario | orders | seconds | orders/s | batch p50 s | batch max s |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, count, seconds, batches in results:
        batches.sort()
        print(f"| {name} | {count:,} | {seconds:.1f} | {count / seconds:,.0f} | {batches[len(batches) // 2]:.2f} | "
              f"{batches[-1]:.2f} |")
    print(f"\nSQL statements for one batch of {args.batch:,} new orders (warm-up): {statements:,} "
          f"({statements / args.batch:.1f} per order); ledgers and channel orders verified consistent.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000, help="members to seed (default 20,000)")
    parser.add_argument("--orders", type=int, default=10_000, help="orders per scenario (default 10,000)")
    parser.add_argument("--batch", type=int, default=1_000, help="orders per call (default 1,000)")
    parser.add_argument("--clients", type=int, default=2, help="partners at once in the last scenario (default 2)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
