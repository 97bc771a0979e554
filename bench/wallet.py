"""Benchmark: payWithWallet throughput and latency through the app on PostgreSQL, on one hot
wallet and on many wallets.

    LOYALTY_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/wallet.py

Like bench/accrual.py (whose seeding, served app, driver and CPU meter it reuses): a database of
its own on the server, migrated; the brand of 3 stores with a clerk each and --members members,
each topped up 1,000.00 (by a "pay 1,000 get 100" plan, so payments split principal and bonus)
through the top-up service, the hot one 1,000,000.00 more; then `payWithWallet` (1.00 to 9.99, each a new order id) by the
clerks over HTTP on uvicorn (one worker, then --workers 2), --clients concurrent clients:

- "many wallets": each payment on a random member;
- "hot wallet": every payment on one member, whose wallet row lock serialises them all.

The in-process service is measured as well (no HTTP, no GraphQL). Every response is checked (no
error, not a replay) and the wallet ledgers are verified at the end; the database is dropped.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import secrets
import sys
import time
from contextlib import AsyncExitStack
from decimal import Decimal
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.accrual import (Clerk, Meter, Order, Seeded, database, database_name, drive, seed,  # noqa: E402
                           served_app)
from bench.members_page import bench_database, counting_queries  # noqa: E402
from domain.wallet import payments, plans, topups  # noqa: E402
from domain.wallet.models import WalletPayment  # noqa: E402
from domain.wallet.verify import verify_wallets  # noqa: E402
from franchise.models import Staff  # noqa: E402
from policies import Principal, Role  # noqa: E402
from server import db  # noqa: E402
from server.tokens import TokenIssuer  # noqa: E402

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
PAY = """
mutation($input: PayWithWalletInput!) {
  payWithWallet(input: $input) { principal bonus replayed errors { code } }
}"""


async def top_up_all(seeded: Seeded) -> None:
    admin = await Staff.filter(brand_id=seeded.brand_id, role=Role.HQ_ADMIN.value).first()
    hq = Principal.staff(staff_id=admin.id, brand_id=seeded.brand_id, role=Role.HQ_ADMIN, store_id=None)
    plan = await plans.upsert_top_up_plan(hq, plans.PlanInput(name="pay 1000 get 100", pay_minor=1000_00,
                                                             bonus_minor=100_00))
    for n, member_id in enumerate(seeded.member_ids):
        clerk = seeded.clerks[n % len(seeded.clerks)]
        await topups.top_up_wallet(clerk.principal, member_id=member_id, store_id=clerk.store_id,
                                   payment_reference=f"seed-{member_id}", plan_id=plan.id)
    # The hot wallet takes every payment of its scenarios: enough for all of them.
    await topups.top_up_wallet(hq, member_id=seeded.member_ids[-1], store_id=seeded.clerks[0].store_id,
                               payment_reference="seed-hot", amount="1000000.00")


def pay_orders(tag: str, count: int, member_ids: list[int], rng: random.Random) -> list[Order]:
    return [Order(f"{tag}-{n}", rng.choice(member_ids), Decimal(rng.randrange(100, 1000)) / 100)
            for n in range(count)]


async def in_process(client: int, clerk: Clerk, order: Order) -> str | None:
    done = await payments.pay_with_wallet(clerk.principal, member_id=order.member_id, store_id=clerk.store_id,
                                          amount=order.amount, order_id=order.order_id)
    return "replayed" if done.replayed else None


def over_http(connections: list[httpx.AsyncClient]):
    async def send(client: int, clerk: Clerk, order: Order) -> str | None:
        variables = {"input": {"memberId": str(order.member_id), "storeId": str(clerk.store_id),
                               "amount": str(order.amount), "orderId": order.order_id}}
        response = await connections[client].post("/graphql", json={"query": PAY, "variables": variables},
                                                   headers={"authorization": f"Bearer {clerk.token}"})
        body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        payload = (body.get("data") or {}).get("payWithWallet")
        if response.status_code != 200 or body.get("errors") or payload is None:
            return f"HTTP {response.status_code}: {body.get('errors') or response.text[:200]}"
        if payload["errors"]:
            return f"payload errors {payload['errors']}"
        return "replayed" if payload["replayed"] else None

    return send


def row(result) -> str:
    ms = sorted(x * 1000 for x in result.latencies)

    def pct(p: float) -> str:
        return f"{ms[min(len(ms) - 1, round(p * (len(ms) - 1)))]:.1f}" if ms else "–"

    cpu = " | ".join("–" if x is None else f"{x:.1f}" for x in result.cpu_ms)
    return (f"| {result.name} | {result.requests} | {len(result.errors)} | {result.rate:.0f} | {pct(0.5)} | "
            f"{pct(0.95)} | {pct(0.99)} | {cpu} | {result.cores:.1f} |")


async def http_scenarios(args, url: str, seeded: Seeded, workers: int, rng: random.Random) -> list:
    label = f"payWithWallet over HTTP, uvicorn {workers} worker" + ("s" if workers > 1 else "")
    hot = [seeded.member_ids[-1]]
    async with served_app(url, args.secret_key, workers) as (base_url, pid), AsyncExitStack() as stack:
        connections = [await stack.enter_async_context(httpx.AsyncClient(
            base_url=base_url, limits=httpx.Limits(max_connections=1), timeout=30, trust_env=False))
            for _ in range(args.clients)]
        send = over_http(connections)

        async def scenario(tag, name, members, count, seconds, stagger=0.0):
            plan = pay_orders(f"w{workers}-{tag}", count, members, rng)
            return await drive(name, args.clients, seeded.clerks, plan, send, seconds,
                               Meter(database_name(url), pid), stagger)

        warm_up = await scenario("warm", "warm-up", seeded.member_ids[:-1], 4 * args.clients, 10, stagger=0.05)
        if warm_up.errors:
            raise RuntimeError(f"the served app fails: {warm_up.errors[0]}")
        return [
            await scenario("many", f"{label}, many wallets", seeded.member_ids[:-1], args.requests, args.max_seconds),
            await scenario("hot", f"{label}, one hot wallet", hot, args.requests, args.max_seconds),
        ]


async def run(args: argparse.Namespace) -> None:
    server_url = os.environ.get("LOYALTY_BENCH_DATABASE_URL") or DEFAULT_SERVER
    if not server_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("LOYALTY_BENCH_DATABASE_URL must name a PostgreSQL server")
    rng = random.Random(20261125)
    began, load_before = time.perf_counter(), os.getloadavg()[0]
    async with bench_database(server_url) as url:
        await db.migrate(url)
        await db.close_db()
        async with database(url, pool_max=args.clients + 4):
            seeded = await seed(args.members)
            await top_up_all(seeded)
            tokens = TokenIssuer(secret_key=args.secret_key, ttl_seconds=3600)
            for clerk in seeded.clerks:
                clerk.token = tokens.issue(kind="staff", subject_id=clerk.principal.staff_id,
                                           brand_id=seeded.brand_id)
            with counting_queries() as counter:
                await in_process(0, seeded.clerks[0], Order("count-1", seeded.member_ids[0], Decimal("1.00")))
            statements = counter.count
            results = [
                await drive("pay_with_wallet in-process (no HTTP), many wallets", args.clients, seeded.clerks,
                            pay_orders("domain-many", args.requests, seeded.member_ids[:-1], rng), in_process,
                            args.max_seconds, Meter(database_name(url))),
                await drive("pay_with_wallet in-process (no HTTP), one hot wallet", args.clients, seeded.clerks,
                            pay_orders("domain-hot", args.requests, [seeded.member_ids[-1]], rng), in_process,
                            args.max_seconds, Meter(database_name(url))),
            ]
        for workers in args.workers:
            results += await http_scenarios(args, url, seeded, workers, rng)
        async with database(url, pool_max=2):
            problems = await verify_wallets(seeded.brand_id)
            paid = await WalletPayment.filter(brand_id=seeded.brand_id).count()
    elapsed = time.perf_counter() - began
    print(f"\nPostgreSQL, {args.members:,} wallets of 1,000.00 + 100.00 bonus, {args.clients} concurrent clients, "
          f"up to {args.requests:,} payments or {args.max_seconds:.0f} s per scenario, {os.cpu_count()} cores; "
          f"run took {elapsed:.0f} s; load average {load_before:.1f} at the start\n")
    print("| scenario | requests | errors | req/s | p50 ms | p95 ms | p99 ms "
          "| CPU ms/req: driver | app | PostgreSQL | cores busy |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for result in results:
        print(row(result))
    print(f"\nSQL statements per pay_with_wallet (in-process, Tortoise's client log): {statements}; over HTTP add 1 "
          f"(the caller's staff row).")
    print(f"Wallet payments: {paid:,}; wallets inconsistent: {len(problems)}.")
    failed = [e for r in results for e in r.errors]
    if failed or problems:
        for error in failed[:5]:
            print(f"error: {error}", file=sys.stderr)
        raise SystemExit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=500, help="wallets to seed (default 500)")
    parser.add_argument("--requests", type=int, default=1_500, help="payments per scenario (default 1,500)")
    parser.add_argument("--max-seconds", type=float, default=15,
                        help="stop a scenario early after this long (default 15)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--workers", type=lambda s: [int(w) for w in s.split(",") if w], default=[1, 2],
                        help="uvicorn worker counts to measure, comma-separated (default 1,2)")
    args = parser.parse_args()
    args.secret_key = "bench-" + secrets.token_hex(24)
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
