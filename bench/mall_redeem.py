"""Benchmark: hot-item redemption (redeemMallItem) through the real ASGI app.

    LOYALTY_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/mall_redeem.py

The database URL defaults to a temporary SQLite file; on PostgreSQL the benchmark creates its own
database on that server and drops it at the end. It migrates, seeds a brand with one store and
--members members holding 1,000 points each (bulk insert: account, EARN entry and lot per
member), starts the app in-process (httpx over ASGI: one event loop, no network, no router: a
floor for one process) and measures, with --clients concurrent clients:

- "hot item": every member redeems one unit of a single 10-point pickup item whose stock is
  --stock; every request races for the item row's conditional stock UPDATE. Winners and sold-out
  answers (OUT_OF_STOCK, a rolled-back transaction) are timed apart;
- "spread": members redeem one of 50 unlimited items (no shared row), for comparison;
- the SQL statements of one redemption (a winner).

Every response is checked (no top-level error; a winner or OUT_OF_STOCK), and at the end the
item's stock must be 0, the winners exactly --stock, and the points, stock and coupon ledgers
consistent.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from asgi_lifespan import LifespanManager

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.members_page import Caller, Result, bench_database, counting_queries  # noqa: E402
from domain.coupons.verify import verify_coupons  # noqa: E402
from domain.mall import items  # noqa: E402
from domain.mall.models import MallItem, MallItemKind  # noqa: E402
from domain.mall.verify import verify_stock  # noqa: E402
from domain.members.models import Member, MemberSource  # noqa: E402
from domain.points.models import LedgerKind, PointsAccount, PointsLedgerEntry, PointsLot  # noqa: E402
from domain.points.verify import verify_ledgers  # noqa: E402
from domain.runtime import LoggingCodeSender, Runtime  # noqa: E402
from franchise import brands, stores  # noqa: E402
from policies import Principal, Role  # noqa: E402
from server import db  # noqa: E402
from server.app import create_app  # noqa: E402
from server.redis import make_redis  # noqa: E402
from server.settings import Settings  # noqa: E402

POINTS = 1_000
CPU_MS: dict[str, float] = {}  # scenario -> CPU ms per request of this process (client and app)
REDEEM = """
mutation($input: RedeemMallItemInput!) {
  redeemMallItem(input: $input) { redemption { id verificationCode } balance errors { code } }
}"""


async def seed(member_count: int) -> tuple[int, Principal, list[int]]:
    brand, admin = await brands.create_brand(
        Principal.platform(), slug="bench", name="Bench Bakery", admin_email="admin@bench.test",
        admin_password="bench-password-123",
    )
    hq = Principal.staff(staff_id=admin.id, brand_id=brand.id, role=Role.HQ_ADMIN, store_id=None)
    store = await stores.create_store(hq, code="SH01", name="Store SH01", city="Shanghai")
    await Member.bulk_create([
        Member(brand_id=brand.id, phone=f"+86138{i:08d}", name=f"Member {i}", home_store_id=store.id,
               source=MemberSource.IMPORT, referral_code=f"M{i:07d}") for i in range(member_count)
    ], batch_size=1000)
    member_ids = list(await Member.filter(brand_id=brand.id).order_by("id").values_list("id", flat=True))
    now = datetime.now(timezone.utc)
    await PointsAccount.bulk_create([PointsAccount(brand_id=brand.id, member_id=m, balance=POINTS,
                                                   lifetime_earned=POINTS) for m in member_ids], batch_size=1000)
    await PointsLedgerEntry.bulk_create([
        PointsLedgerEntry(brand_id=brand.id, member_id=m, kind=LedgerKind.EARN, points=POINTS, delta=POINTS,
                          balance_after=POINTS, actor="bench", reason="seed", idempotency_key=f"seed:{m}",
                          occurred_at=now) for m in member_ids], batch_size=1000)
    entries = await PointsLedgerEntry.filter(brand_id=brand.id).values("id", "member_id")
    await PointsLot.bulk_create([
        PointsLot(brand_id=brand.id, member_id=e["member_id"], entry_id=e["id"], earned=POINTS, remaining=POINTS,
                  earned_at=now, expires_at=now + timedelta(days=365)) for e in entries], batch_size=1000)
    return brand.id, hq, member_ids


async def drive(name: str, callers: list[Caller], tokens: list[str], item_ids: list[int], key: str):
    """One redemption per member token, split over the callers; returns (winners, sold out)."""
    won: list[float] = []
    sold_out: list[float] = []

    async def client(index: int, caller: Caller) -> None:
        for n in range(index, len(tokens), len(callers)):
            item_id = item_ids[n % len(item_ids)]
            began = time.perf_counter()
            data = await caller.graphql(REDEEM, {"input": {"itemId": str(item_id), "idempotencyKey": key}},
                                        tokens[n])
            elapsed = time.perf_counter() - began
            errors = [e["code"] for e in data["redeemMallItem"]["errors"]]
            if errors == []:
                won.append(elapsed)
            elif errors == ["OUT_OF_STOCK"]:
                sold_out.append(elapsed)
            else:
                raise RuntimeError(f"unexpected answer: {errors}")

    began, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(client(i, c) for i, c in enumerate(callers)))
    seconds = time.perf_counter() - began
    CPU_MS[name] = (time.process_time() - cpu) * 1000 / len(tokens)
    clients = f"{len(callers)} clients"
    results = [Result(f"{name}, winners, {clients}", won, seconds)] if won else []
    if sold_out:
        results.append(Result(f"{name}, OUT_OF_STOCK answers, {clients}", sold_out, seconds))
    return results, len(won), len(sold_out), seconds


async def run(args: argparse.Namespace) -> None:
    requested = os.environ.get("LOYALTY_BENCH_DATABASE_URL", "")
    async with bench_database(requested) as url:
        await db.migrate(url)
        await db.close_db()
        settings = Settings(env="test", database_url=url, secret_key="bench-secret-" + "x" * 32,
                            db_pool_max=args.clients + 4)
        runtime = Runtime(redis=make_redis(None), code_sender=LoggingCodeSender(), secret_key=settings.secret_key)
        app = create_app(settings, runtime=runtime)
        async with LifespanManager(app):
            brand_id, hq, member_ids = await seed(args.members)
            tokens = [app.state.tokens.issue(kind="member", subject_id=m, brand_id=brand_id) for m in member_ids]
            hot = await items.upsert_mall_item(hq, items.ItemInput(name="Swiss roll", kind=MallItemKind.PICKUP,
                                                                   points_price=10, stock=args.stock))
            spread = [await items.upsert_mall_item(hq, items.ItemInput(name=f"Tart {i}", kind=MallItemKind.PICKUP,
                                                                       points_price=10)) for i in range(50)]
            callers = [Caller(app, f"10.0.0.{i + 1}") for i in range(args.clients)]
            # One redemption, its statements counted (the same member redeems once more below).
            with counting_queries() as counter:
                await callers[0].graphql(REDEEM, {"input": {"itemId": str(spread[0].id), "idempotencyKey": "probe"}},
                                         tokens[0])
            statements = counter.count
            hot_results, winners, sold_out, hot_seconds = await drive(
                "hot item (stock " + f"{args.stock:,})", callers, tokens, [hot.id], "hot")
            spread_results, *_ = await drive("spread over 50 unlimited items", callers, tokens,
                                             [i.id for i in spread], "spread")
            for caller in callers:
                await caller.http.aclose()
            stock = (await MallItem.get(id=hot.id)).stock
            problems = (await verify_ledgers(), await verify_stock(), await verify_coupons())
    if winners != args.stock or stock != 0 or any(problems):
        raise SystemExit(f"inconsistent: {winners} winners, stock {stock}, problems {problems}")
    engine = "PostgreSQL" if url.startswith("postgres") else "SQLite"
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    print(f"\n{engine}, {args.members:,} members, hot item stock {args.stock:,}, {args.clients} concurrent clients, "
          f"in-process ASGI\n")
    print("| scenario | requests | p50 ms | p95 ms | req/s (all answers) |")
    print("|---|---:|---:|---:|---:|")
    for result in hot_results:
        print(result.row().rsplit("|", 2)[0] + f"| {(winners + sold_out) / hot_seconds:.0f} |")
    for result in spread_results:
        print(result.row())
    print("\n| scenario | CPU ms per request (driver and app, one process) |\n|---|---:|")
    for name, ms in CPU_MS.items():
        print(f"| {name} | {ms:.1f} |")
    print(f"\nhot item: {winners} winners, {sold_out} OUT_OF_STOCK, final stock {stock}, ledgers consistent; "
          f"SQL statements per redemption (HTTP request, with the caller's look-up): {statements}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=2_000, help="members, one hot redemption each (2,000)")
    parser.add_argument("--stock", type=int, default=500, help="stock of the hot item (500)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (32)")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
