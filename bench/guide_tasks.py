"""Benchmark: a shopping guide's follow-up list (`guideTasks`) on a large brand.

    LOYALTY_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python bench/guide_tasks.py

Seeds (bulk insert) a brand of --members members (default 50,000) over 3 stores, a SPEND tier
programme, and for every member a points account, a points lot, a purchase and a tier standing;
a quarter of them hold a coupon. --guided of them (default 5,000, all of store 1) are assigned to
one guide. Then it times the domain's `list_tasks` for that guide (all five rules and the
cool-down: the whole list, which the resolver pages) and counts its SQL statements. Dates are
spread so that every rule flags a share of the guided members.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from members_page import bench_database  # noqa: E402

from domain.coupons.models import Coupon, CouponKind, CouponTemplate  # noqa: E402
from domain.guides.tasks import list_tasks  # noqa: E402
from domain.members.models import Member, MemberSource  # noqa: E402
from domain.members.service import new_referral_code  # noqa: E402
from domain.points.models import LedgerKind, PointsAccount, PointsLedgerEntry, PointsLot, Purchase  # noqa: E402
from domain.tiers import service as tiers  # noqa: E402
from domain.tiers.models import MemberTier, TierMode  # noqa: E402
from franchise import brands, staff, stores  # noqa: E402
from policies import Principal, Role  # noqa: E402
from policies.enforcer import load_enforcer  # noqa: E402
from server import db  # noqa: E402
from tortoise import Tortoise  # noqa: E402


async def seed(member_count: int, guided: int) -> Principal:
    brand, admin = await brands.create_brand(Principal.platform(), slug="bench", name="Bench",
                                             admin_email="admin@bench.test", admin_password="bench-password-123")
    hq = Principal.staff(staff_id=admin.id, brand_id=brand.id, role=Role.HQ_ADMIN, store_id=None)
    store_ids = [(await stores.create_store(hq, code=f"S{i}", name=f"Store {i}", city="Shanghai")).id
                 for i in range(3)]
    guide = await staff.create_staff(hq, email="guide@bench.test", name="Guide", password="bench-password-123",
                                     role=Role.STORE_CLERK.value, store_id=store_ids[0])
    await tiers.update_tier_program(hq, mode=TierMode.SPEND, evaluation_months=12, levels=[
        tiers.Level(1, "Silver", 100_000), tiers.Level(2, "Gold", 300_000), tiers.Level(3, "Platinum", 1_000_000)])
    rng, now = random.Random(20261125), datetime.now(UTC)
    codes: set[str] = set()
    while len(codes) < member_count:
        codes.add(new_referral_code())
    members = [Member(brand_id=brand.id, phone=f"+86138{i:08d}", name=f"Member {i}",
                      home_store_id=store_ids[0] if i < guided else rng.choice(store_ids),
                      guide_id=guide.id if i < guided else None, source=MemberSource.IMPORT, referral_code=code,
                      created_at=now - timedelta(days=400))
               for i, code in enumerate(sorted(codes))]
    await Member.bulk_create(members, batch_size=2000)
    ids = [m.id for m in await Member.filter(brand_id=brand.id).order_by("id").only("id")]
    balances = {i: rng.choice([100, 2_000, 6_000, 12_000]) for i in ids}
    await PointsAccount.bulk_create([PointsAccount(brand_id=brand.id, member_id=i, balance=balances[i],
                                                   lifetime_earned=balances[i]) for i in ids], batch_size=2000)
    entries = [PointsLedgerEntry(brand_id=brand.id, member_id=i, kind=LedgerKind.EARN, points=balances[i],
                                 delta=balances[i], balance_after=balances[i], actor="bench",
                                 occurred_at=now - timedelta(days=300)) for i in ids]
    await PointsLedgerEntry.bulk_create(entries, batch_size=2000)
    entry_ids = dict(await PointsLedgerEntry.filter(brand_id=brand.id).values_list("member_id", "id"))
    await PointsLot.bulk_create([
        PointsLot(brand_id=brand.id, member_id=i, entry_id=entry_ids[i], earned=balances[i], remaining=balances[i],
                  earned_at=now - timedelta(days=300), expires_at=now + timedelta(days=rng.randint(1, 120)))
        for i in ids], batch_size=2000)
    await PointsLedgerEntry.bulk_create([
        PointsLedgerEntry(brand_id=brand.id, member_id=i, kind=LedgerKind.REDEEM, points=1, delta=0,
                          balance_after=balances[i], actor="bench", occurred_at=now - timedelta(days=rng.randint(1, 200)))
        for i in ids if rng.random() < 0.5], batch_size=2000)
    await Purchase.bulk_create([
        Purchase(brand_id=brand.id, member_id=i, store_id=store_ids[0], channel="STORE", order_id=f"o-{i}",
                 amount_minor=10_000, points_earned=100, rule_version=1,
                 occurred_at=now - timedelta(days=rng.randint(1, 150)))
        for i in ids], batch_size=2000)
    await MemberTier.bulk_create([
        MemberTier(brand_id=brand.id, member_id=i, level=rng.choice([0, 1, 2]), qualifying=rng.randint(0, 320_000),
                   period_start=now - timedelta(days=30), period_end=now + timedelta(days=300))
        for i in ids], batch_size=2000)
    template = await CouponTemplate.create(brand_id=brand.id, name="5 off", kind=CouponKind.AMOUNT_OFF,
                                           amount_off_minor=500, valid_days=30, created_by="bench")
    await Coupon.bulk_create([
        Coupon(brand_id=brand.id, template_id=template.id, member_id=i, code=f"C{i:014d}", source="HQ",
               idempotency_key=f"k{i}", issued_by="bench", issued_at=now - timedelta(days=20),
               valid_from=now - timedelta(days=20), valid_until=now + timedelta(days=rng.randint(1, 30)))
        for i in ids if rng.random() < 0.25], batch_size=2000)
    return Principal.staff(staff_id=guide.id, brand_id=brand.id, role=Role.STORE_CLERK, store_id=store_ids[0])


class Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record) -> None:
        self.count += 1


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=50_000)
    parser.add_argument("--guided", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    async with bench_database(os.environ.get("LOYALTY_BENCH_DATABASE_URL", "")) as url:
        await db.migrate(url)
        await db.close_db()
        await db.init_db(url)
        await load_enforcer()
        try:
            began = time.perf_counter()
            guide = await seed(args.members, args.guided)
            print(f"seeded {args.members} members ({args.guided} guided) in {time.perf_counter() - began:.1f} s")
            if url.startswith("postgres"):
                await Tortoise.get_connection("default").execute_script("ANALYZE")  # as autovacuum would
            await list_tasks(guide)  # warm-up
            timings = []
            for _ in range(args.runs):
                began = time.perf_counter()
                found = await list_tasks(guide)
                timings.append((time.perf_counter() - began) * 1000)
            logger, counter = logging.getLogger("tortoise.db_client"), Counter()
            logger.setLevel(logging.DEBUG)
            logger.addHandler(counter)
            await list_tasks(guide)
            logger.removeHandler(counter)
            by_reason: dict[str, int] = {}
            for task in found.tasks:
                by_reason[task.reason.value] = by_reason.get(task.reason.value, 0) + 1
            timings.sort()
            print(f"list_tasks: {len(found.tasks)} tasks {by_reason}")
            print(f"p50 {statistics.median(timings):.1f} ms, p95 {timings[round(0.95 * (len(timings) - 1))]:.1f} ms"
                  f" over {args.runs} runs, {counter.count} SQL statements per list")
        finally:
            await db.close_db()


if __name__ == "__main__":
    asyncio.run(main())
