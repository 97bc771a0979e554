"""A generated brand for benchmarks: N members (default 100,000) with two years of history.

    python -m bench.generate_brand --members 100000 --database-url postgres://postgres@127.0.0.1:5432/bench

The organisation (brand, 20 stores in 6 cities, staff, rules, tier programme, top-up plans,
a gift-card template) goes through the services; the history is simulated here member by
member, in time order, exactly as the ledger services would have written it (points earned as
lots, redemptions and refunds drawn from the soonest-expiring lots, debts, expiry entries,
wallet grants and lines, gift-card ledgers), then written with COPY on PostgreSQL and
executemany on SQLite, in chunks of members. `loyalty verify-ledgers` passes on the result.

Measured on this machine (2 cores, PostgreSQL 15 local): 100,000 members, 370,000 purchases,
437,000 points ledger entries, 10,000 wallets in 56 s; `loyalty verify-ledgers --brand bench`
reports every account, wallet and card consistent.

Everything is drawn from one seeded random generator, so a seed gives the same brand.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import sys
import time as clock
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo
from pathlib import Path

from dateutil.relativedelta import relativedelta
from tortoise import Tortoise

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from domain.points import rules as points_rules  # noqa: E402
from domain.tiers.models import TierMode, TierProgram  # noqa: E402
from domain.wallet.models import TopUpPlan  # noqa: E402
from domain.giftcards.models import GiftCardKind, GiftCardTemplate  # noqa: E402
from franchise import brands, staff, stores  # noqa: E402
from policies import Principal, Role  # noqa: E402

PASSWORD = "bench-password-123"
CITIES = {  # city: store count (20 stores in 6 cities)
    "Shanghai": 6, "Hangzhou": 4, "Suzhou": 3, "Nanjing": 3, "Ningbo": 2, "Wuxi": 2,
}
TIERS = [  # SPEND programme, 12-month periods; multiplier 1 so points are the rules' own
    {"level": 1, "name": "Silver", "threshold": 50_000, "discount_percent": 0, "points_multiplier": "1",
     "birthday_points": 0, "welcome_points": 0},
    {"level": 2, "name": "Gold", "threshold": 200_000, "discount_percent": 5, "points_multiplier": "1",
     "birthday_points": 0, "welcome_points": 0},
    {"level": 3, "name": "Platinum", "threshold": 500_000, "discount_percent": 10, "points_multiplier": "1",
     "birthday_points": 0, "welcome_points": 0},
]
PLANS = [(30_000, 5_000), (50_000, 10_000), (100_000, 25_000)]  # pay, bonus (minor units)
SOURCES = [("STORE_QR", 40), ("STORE_COUNTER", 25), ("MINI_PROGRAM", 20), ("IMPORT", 8), ("CHANNEL", 4),
           ("REFERRAL", 3)]
ACTOR = "bench:generator"
CHUNK = 5_000  # members simulated and written at a time

# The columns written per table, in the order the simulated rows hold them. Tables are written
# in this order, so a row's foreign keys always point at rows already there.
COLUMNS: dict[str, tuple[str, ...]] = {
    "member": ("id", "brand_id", "phone", "name", "birthday", "gender", "home_store_id", "source",
               "referral_code", "referred_by_id", "created_at"),
    "points_account": ("id", "brand_id", "member_id", "balance", "debt", "lifetime_earned"),
    "member_tier": ("id", "brand_id", "member_id", "level", "qualifying", "period_start", "period_end",
                    "updated_at"),
    "purchase": ("id", "brand_id", "member_id", "store_id", "channel", "order_id", "amount_minor",
                 "wallet_paid_minor", "points_earned", "refunded_minor", "points_reversed", "rule_version",
                 "occurred_at", "created_at"),
    "purchase_refund": ("id", "purchase_id", "refund_id", "amount_minor", "points_reversed", "debt_added",
                        "created_at"),
    "points_ledger_entry": ("id", "brand_id", "member_id", "kind", "points", "delta", "debt_delta",
                            "balance_after", "rule_version", "store_id", "purchase_id", "campaign_id", "actor",
                            "reason", "idempotency_key", "occurred_at", "created_at"),
    "points_lot": ("id", "brand_id", "member_id", "entry_id", "purchase_id", "earned", "remaining", "earned_at",
                   "expires_at"),
    "points_lot_use": ("id", "entry_id", "lot_id", "points"),
    "points_payment": ("id", "brand_id", "member_id", "store_id", "order_id", "order_amount_minor", "points",
                       "amount_off_minor", "entry_id", "refunded_at", "created_at"),
    "wallet": ("id", "brand_id", "member_id", "principal_minor", "bonus_minor", "updated_at"),
    "wallet_ledger_entry": ("id", "brand_id", "member_id", "kind", "principal_delta", "bonus_delta",
                            "principal_after", "bonus_after", "store_id", "order_id", "actor", "reason",
                            "idempotency_key", "occurred_at", "created_at"),
    "wallet_grant": ("id", "brand_id", "member_id", "entry_id", "bucket", "origin_store_id", "usable_store_ids",
                     "amount", "remaining", "granted_at", "expires_at"),
    "wallet_ledger_line": ("id", "brand_id", "member_id", "entry_id", "grant_id", "bucket", "origin_store_id",
                           "amount"),
    "wallet_top_up": ("id", "brand_id", "member_id", "store_id", "plan_id", "payment_reference", "paid_minor",
                      "bonus_minor", "free_order_minor", "order_id", "gift_points", "created_at"),
    "wallet_payment": ("id", "brand_id", "member_id", "store_id", "order_id", "amount_minor", "principal_minor",
                       "bonus_minor", "entry_id", "refunded_at", "created_at"),
    "gift_card": ("id", "brand_id", "template_id", "batch", "kind", "state", "code_hash", "code_hint",
                  "balance_minor", "uses_left", "member_id", "bought_by_id", "valid_from", "valid_until",
                  "claimed_at", "benefit_until", "created_at", "updated_at"),
    "gift_card_ledger_entry": ("id", "brand_id", "card_id", "kind", "amount_delta", "uses_delta", "balance_after",
                               "uses_after", "store_id", "member_id", "item_sku", "order_id", "actor", "reason",
                               "idempotency_key", "occurred_at", "created_at"),
    # The POS's end-of-day figures of sales to guests (non-members), one per store and day.
    "guest_sales": ("id", "brand_id", "store_id", "business_date", "orders", "amount_minor", "idempotency_key",
                    "recorded_by", "created_at", "updated_at"),
}
JSON_COLUMNS = {("wallet_grant", "usable_store_ids")}


class Rows:
    """Rows waiting to be written, and the next id of every table."""

    def __init__(self, next_ids: dict[str, int]) -> None:
        self.next_ids = next_ids
        self.pending: dict[str, list[tuple]] = {table: [] for table in COLUMNS}
        self.counts: dict[str, int] = {table: 0 for table in COLUMNS}

    def new_id(self, table: str) -> int:
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def add(self, table: str, *values) -> None:
        self.pending[table].append(values)


async def _next_ids() -> dict[str, int]:
    connection = Tortoise.get_connection("default")
    ids = {}
    for table in COLUMNS:
        _, rows = await connection.execute_query(f"SELECT MAX(id) FROM {table}")
        row = rows[0]
        current = row[0] if not isinstance(row, dict) else next(iter(row.values()))
        ids[table] = int(current or 0) + 1
    return ids


def _on_postgres() -> bool:
    return Tortoise.get_connection("default").capabilities.dialect == "postgres"


async def _flush(rows: Rows) -> None:
    connection = Tortoise.get_connection("default")
    postgres = _on_postgres()
    for table, columns in COLUMNS.items():
        records = rows.pending[table]
        if not records:
            continue
        json_at = [i for i, c in enumerate(columns) if (table, c) in JSON_COLUMNS]
        if json_at:
            records = [tuple(json.dumps(v) if i in json_at and v is not None else v for i, v in enumerate(r))
                       for r in records]
        if postgres:
            async with connection.acquire_connection() as raw:
                await raw.copy_records_to_table(table, records=records, columns=list(columns))
        else:
            marks = ", ".join("?" for _ in columns)
            await connection.execute_many(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                                          [list(r) for r in records])
        rows.counts[table] += len(records)
        rows.pending[table] = []


async def _reset_sequences() -> None:
    if not _on_postgres():
        return  # SQLite's rowid picks up after the largest id by itself
    connection = Tortoise.get_connection("default")
    for table in COLUMNS:
        await connection.execute_script(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            f" WHERE EXISTS (SELECT 1 FROM {table})")
    # Fresh statistics, so the planner sees the bulk-loaded tables at their real size.
    await connection.execute_script("ANALYZE")


# The organisation, through the services


@dataclass
class Organisation:
    brand_id: int
    zone: str
    store_ids: list[int]
    store_codes: dict[int, str]
    rule_version: int
    plan_ids: list[int]
    card_template_id: int
    rules: object = None


async def _organisation(slug: str) -> Organisation:
    brand, admin = await brands.create_brand(
        Principal.platform(), slug=slug, name=f"Bench brand {slug}", admin_email=f"admin@{slug}.test",
        admin_password=PASSWORD,
    )
    hq = Principal.staff(staff_id=admin.id, brand_id=brand.id, role=Role.HQ_ADMIN, store_id=None)
    await staff.create_staff(hq, email=f"operator@{slug}.test", name="Operator", password=PASSWORD,
                             role=Role.HQ_OPERATOR.value)
    store_ids, codes = [], {}
    for city, count in CITIES.items():
        for n in range(1, count + 1):
            code = f"{city[:2].upper()}{n:02d}"
            store = await stores.create_store(hq, code=code, name=f"{city} {n}", city=city)
            store_ids.append(store.id)
            codes[store.id] = code
    await staff.create_staff(hq, email=f"manager@{slug}.test", name="Manager", password=PASSWORD,
                             role=Role.STORE_MANAGER.value, store_id=store_ids[0])
    await staff.create_staff(hq, email=f"clerk@{slug}.test", name="Clerk", password=PASSWORD,
                             role=Role.STORE_CLERK.value, store_id=store_ids[0])
    rules = await points_rules.current_rules(brand.id)  # the platform defaults: 1 point per yuan, 12 months
    await TierProgram.create(brand_id=brand.id, mode=TierMode.SPEND, evaluation_months=12, levels=TIERS)
    plans = [await TopUpPlan.create(brand_id=brand.id, name=f"Pay {pay // 100} get {bonus // 100}",
                                    pay_minor=pay, bonus_minor=bonus) for pay, bonus in PLANS]
    template = await GiftCardTemplate.create(brand_id=brand.id, name="Gift card 100", kind=GiftCardKind.STORED_VALUE,
                                             face_value_minor=10_000, created_by=ACTOR)
    return Organisation(brand.id, brand.timezone, store_ids, codes, rules.version, [p.id for p in plans],
                        template.id, rules)


# One member's history, simulated in time order


@dataclass
class Lot:
    id: int
    expires_at: datetime
    remaining: int
    purchase_id: int | None
    entry_id: int
    earned: int
    earned_at: datetime


@dataclass
class PointsState:
    account_balance: int = 0
    debt: int = 0
    lifetime: int = 0
    lots: list[Lot] = field(default_factory=list)


class MemberHistory:
    """Writes one member's points and wallet rows the way domain/points/ledger.py and
    domain/wallet/ledger.py would."""

    def __init__(self, rows: Rows, org: Organisation, member_id: int) -> None:
        self.rows, self.org, self.member_id = rows, org, member_id
        self.points = PointsState()
        self.principal = 0
        self.bonus = 0
        self.grants: list[list] = []  # [id, bucket, origin store, remaining, entry id, amount, granted at]

    # points

    def _entry(self, kind: str, points: int, delta: int, debt_delta: int, at: datetime, *, store_id=None,
               purchase_id=None, reason="") -> int:
        state = self.points
        state.account_balance += delta
        state.debt += debt_delta
        assert state.account_balance >= 0 and state.debt >= 0
        entry_id = self.rows.new_id("points_ledger_entry")
        self.rows.add("points_ledger_entry", entry_id, self.org.brand_id, self.member_id, kind, points, delta,
                      debt_delta, state.account_balance, self.org.rule_version, store_id, purchase_id, None, ACTOR,
                      reason, None, at, at)
        return entry_id

    def expire_due(self, at: datetime) -> None:
        """The expiry job, run at each lot's expiry instant up to `at`: one entry per instant."""
        due: dict[datetime, list[Lot]] = {}
        for lot in self.points.lots:
            if lot.remaining > 0 and lot.expires_at <= at:
                due.setdefault(lot.expires_at, []).append(lot)
        for instant in sorted(due):
            total = sum(lot.remaining for lot in due[instant])
            for lot in due[instant]:
                lot.remaining = 0
            self._entry("EXPIRE", total, -total, 0, instant, reason="points expired")

    def credit(self, points: int, at: datetime, *, store_id: int, purchase_id: int, reason: str) -> None:
        self.expire_due(at)
        state = self.points
        settled = min(state.debt, points)
        entry_id = self._entry("EARN", points, points - settled, -settled, at, store_id=store_id,
                               purchase_id=purchase_id, reason=reason)
        state.lifetime += points
        if points - settled > 0:
            # Written by finish(), once its remainder is final.
            state.lots.append(Lot(self.rows.new_id("points_lot"), points_rules.expires_at(
                self.org.rules, at, self.org.zone).astimezone(UTC), points - settled, purchase_id, entry_id,
                points - settled, at))

    def debit(self, points: int, kind: str, at: datetime, *, store_id: int, purchase_id=None,
              allow_debt=False, reason="") -> tuple[int, int]:
        """Soonest-expiring lots first (a refunded purchase's own lots before them); returns
        (entry id, points taken from the balance)."""
        self.expire_due(at)
        state = self.points
        assert allow_debt or points <= state.account_balance
        taken = min(points, state.account_balance)
        lots = sorted((lot for lot in state.lots if lot.remaining > 0), key=lambda lot: (lot.expires_at, lot.id))
        if purchase_id is not None and kind == "REVERSE":
            lots.sort(key=lambda lot: lot.purchase_id != purchase_id)
        uses, still = [], taken
        for lot in lots:
            if still == 0:
                break
            used = min(lot.remaining, still)
            lot.remaining -= used
            still -= used
            uses.append((lot.id, used))
        entry_id = self._entry(kind, points, -taken, points - taken, at, store_id=store_id,
                               purchase_id=purchase_id if kind == "REVERSE" else None, reason=reason)
        for lot_id, used in uses:
            self.rows.add("points_lot_use", self.rows.new_id("points_lot_use"), entry_id, lot_id, used)
        return entry_id, taken

    def finish(self) -> None:
        for lot in self.points.lots:
            self.rows.add("points_lot", lot.id, self.org.brand_id, self.member_id, lot.entry_id, lot.purchase_id,
                          lot.earned, lot.remaining, lot.earned_at, lot.expires_at)
        for grant_id, bucket, origin, remaining, entry_id, amount, granted_at in self.grants:
            self.rows.add("wallet_grant", grant_id, self.org.brand_id, self.member_id, entry_id, bucket, origin,
                          None, amount, remaining, granted_at, None)

    # wallet

    def _wallet_entry(self, kind: str, moves: list[tuple[list, int]], at: datetime, *, store_id: int,
                      order_id=None, reason="", key=None) -> int:
        principal = sum(amount for grant, amount in moves if grant[1] == "PRINCIPAL")
        bonus = sum(amount for grant, amount in moves if grant[1] == "BONUS")
        self.principal += principal
        self.bonus += bonus
        assert self.principal >= 0 and self.bonus >= 0
        entry_id = self.rows.new_id("wallet_ledger_entry")
        self.rows.add("wallet_ledger_entry", entry_id, self.org.brand_id, self.member_id, kind, principal, bonus,
                      self.principal, self.bonus, store_id, order_id, ACTOR, reason, key, at, at)
        for grant, amount in moves:
            if grant[0] is None:  # a new grant, created by this entry
                grant[0] = self.rows.new_id("wallet_grant")
                grant[3] = amount
                grant.extend((entry_id, amount, at))  # written by finish(), once its remainder is final
                self.grants.append(grant)
            else:
                grant[3] += amount
            self.rows.add("wallet_ledger_line", self.rows.new_id("wallet_ledger_line"), self.org.brand_id,
                          self.member_id, entry_id, grant[0], grant[1], grant[2], amount)
        return entry_id

    def top_up(self, plan: int, at: datetime, store_id: int) -> None:
        pay, bonus = PLANS[plan]
        reference = f"TU-{self.member_id}-{len(self.grants)}"
        self._wallet_entry("TOP_UP", [([None, "PRINCIPAL", store_id, 0], pay)], at, store_id=store_id,
                           reason=f"top-up {reference}", key=f"topup:{reference}")
        self._wallet_entry("BONUS", [([None, "BONUS", store_id, 0], bonus)], at, store_id=store_id,
                           reason=f"bonus of plan {self.org.plan_ids[plan]} for top-up {reference}",
                           key=f"topup-bonus:{reference}")
        self.rows.add("wallet_top_up", self.rows.new_id("wallet_top_up"), self.org.brand_id, self.member_id,
                      store_id, self.org.plan_ids[plan], reference, pay, bonus, 0, None, 0, at)

    def pay(self, amount: int, at: datetime, store_id: int, order_id: str) -> None:
        """PROPORTIONAL: the bonus part rounded down, principal for the rest; oldest grants first."""
        from_bonus = amount * self.bonus // (self.principal + self.bonus)
        moves = []
        for bucket, part in (("PRINCIPAL", amount - from_bonus), ("BONUS", from_bonus)):
            still = part
            for grant in sorted((g for g in self.grants if g[1] == bucket and g[3] > 0), key=lambda g: g[0]):
                if still == 0:
                    break
                used = min(grant[3], still)
                still -= used
                moves.append((grant, -used))
        entry_id = self._wallet_entry("PAY", moves, at, store_id=store_id, order_id=order_id,
                                      reason=f"wallet paid order {order_id}", key=f"pay:{order_id}")
        self.rows.add("wallet_payment", self.rows.new_id("wallet_payment"), self.org.brand_id, self.member_id,
                      store_id, order_id, amount, amount - from_bonus, from_bonus, entry_id, None, at)


def _amount(rng: random.Random) -> int:
    # Most orders 30-150 yuan, a long tail up to 2,000; whole fen.
    return max(990, min(200_000, int(rng.lognormvariate(8.9, 0.6))))


def _member_history(rows: Rows, org: Organisation, rng: random.Random, member_id: int, now: datetime,
                    counters: dict[str, int]) -> None:
    created = now - timedelta(seconds=rng.randint(86_400, 730 * 86_400))
    home = rng.choice(org.store_ids[:4]) if rng.random() < 0.3 else rng.choice(org.store_ids)
    birthday = date(rng.randint(1960, 2005), rng.randint(1, 12), rng.randint(1, 28))
    source = rng.choices([s for s, _ in SOURCES], weights=[w for _, w in SOURCES])[0]
    gender = rng.choice(("FEMALE", "FEMALE", "MALE", "OTHER"))
    rows.add("member", member_id, org.brand_id, f"+86139{member_id:08d}", f"Member {member_id}", birthday, gender,
             home, source, f"B{member_id:011d}"[-12:], None, created)
    rows.add("points_account", rows.new_id("points_account"), org.brand_id, member_id, 0, 0, 0)
    history = MemberHistory(rows, org, member_id)
    account_row = len(rows.pending["points_account"]) - 1

    orders = min(20, int(rng.expovariate(1 / 4.2)))
    span = (now - created).total_seconds()
    times = sorted(created + timedelta(seconds=rng.random() * span) for _ in range(orders))
    wallet_member = rng.random() < 0.10
    top_up_at = created + timedelta(seconds=rng.random() * span * 0.5) if wallet_member else None
    spends: list[tuple[datetime, int]] = []
    for n, at in enumerate(times):
        if top_up_at is not None and top_up_at <= at:
            history.top_up(rng.randrange(len(PLANS)), top_up_at, home)
            top_up_at = None
        store = home if rng.random() < 0.8 else rng.choice(org.store_ids)
        amount = _amount(rng)
        order_id = f"O{member_id}-{n}"
        channel = "STORE" if rng.random() < 0.85 else rng.choice(("POS", "WECHAT", "TMALL"))
        purchase_id = rows.new_id("purchase")
        wallet_paid = 0
        if history.principal + history.bonus >= amount and rng.random() < 0.6:
            history.pay(amount, at, store, order_id)
            wallet_paid = amount
            counters["wallet_payments"] += 1
        elif rng.random() < 0.08:
            history.expire_due(at)
            most = min(history.points.account_balance, amount * 50 // 100) // 100 * 100
            if most >= 100:
                entry_id, _ = history.debit(most, "REDEEM", at, store_id=store, reason=f"points paid order {order_id}")
                rows.add("points_payment", rows.new_id("points_payment"), org.brand_id, member_id, store, order_id,
                         amount, most, most, entry_id, None, at)
                counters["points_payments"] += 1
        points = (amount - wallet_paid) // 100  # 1 point per whole yuan not paid from the wallet
        refunded = reversed_points = 0
        # A refund lands before the member's next order, so the history stays in time order.
        until = min(times[n + 1] if n + 1 < len(times) else now, at + timedelta(hours=72))
        refund_at = at + (until - at) * rng.uniform(0.1, 0.9)
        refund = wallet_paid == 0 and rng.random() < 0.06 and refund_at < now
        purchase_row = [purchase_id, org.brand_id, member_id, store, channel, order_id, amount, wallet_paid, points,
                        0, 0, org.rule_version, at, at]
        rows.add("purchase", *purchase_row)
        if points:
            history.credit(points, at, store_id=store, purchase_id=purchase_id, reason=f"{channel} order {order_id}")
        if refund:
            refunded = amount if rng.random() < 0.5 else amount // 2
            reversed_points = points * refunded // amount
            debt_before = history.points.debt
            if reversed_points:
                history.debit(reversed_points, "REVERSE", refund_at, store_id=store, purchase_id=purchase_id,
                              allow_debt=True, reason=f"refund R{order_id} of {channel} order {order_id}")
            rows.add("purchase_refund", rows.new_id("purchase_refund"), purchase_id, f"R{order_id}", refunded,
                     reversed_points, history.points.debt - debt_before, refund_at)
            rows.pending["purchase"][-1] = tuple(purchase_row[:9] + [refunded, reversed_points] + purchase_row[11:])
            counters["refunds"] += 1
        spends.append((at, amount - refunded))
    if top_up_at is not None and top_up_at < now:
        history.top_up(rng.randrange(len(PLANS)), top_up_at, home)
    history.expire_due(now)
    history.finish()
    state = history.points
    rows.pending["points_account"][account_row] = (rows.pending["points_account"][account_row][0], org.brand_id,
                                                   member_id, state.account_balance, state.debt, state.lifetime)
    if history.grants:
        rows.add("wallet", rows.new_id("wallet"), org.brand_id, member_id, history.principal, history.bonus, now)
    if spends:
        _tier(rows, org, member_id, spends, now)


def _tier(rows: Rows, org: Organisation, member_id: int, spends: list[tuple[datetime, int]], now: datetime) -> None:
    """Periods of 12 months from the first purchase; the level is what the finished period
    earned, or more if the current one already reached more (upgrades are immediate)."""
    start = spends[0][0]
    previous_start, end = None, start + relativedelta(months=12)
    while end <= now:
        previous_start, start, end = start, end, end + relativedelta(months=12)

    def level(total: int) -> int:
        return max((t["level"] for t in TIERS if total >= t["threshold"]), default=0)

    current = sum(a for at, a in spends if start <= at < end)
    earned_before = sum(a for at, a in spends if previous_start and previous_start <= at < start)
    rows.add("member_tier", rows.new_id("member_tier"), org.brand_id, member_id,
             max(level(current), level(earned_before)), current, start, end, now)


def _gift_cards(rows: Rows, org: Organisation, rng: random.Random, count: int, member_ids: list[int],
                now: datetime) -> None:
    """Stored-value cards: issued and activated; some claimed by members, some partly spent."""
    for n in range(count):
        card_id = rows.new_id("gift_card")
        issued = now - timedelta(days=rng.randint(1, 600))
        entries = [("ISSUE", 10_000, issued, None, None, None)]
        state, member_id, claimed_at, balance = "ACTIVE", None, None, 10_000
        if member_ids and rng.random() < 0.4:
            member_id = rng.choice(member_ids)
            claimed_at = issued + timedelta(days=rng.randint(1, 30))
            state = "CLAIMED"
            entries.append(("CLAIM", 0, claimed_at, None, member_id, None))
            if rng.random() < 0.5 and claimed_at < now:
                spent = rng.choice((2_500, 5_000, 10_000))
                balance -= spent
                entries.append(("PAY", -spent, claimed_at + timedelta(hours=2), rng.choice(org.store_ids),
                                member_id, f"GC{card_id}"))
                state = "USED_UP" if balance == 0 else state
        digest = hashlib.sha256(f"bench:{org.brand_id}:{card_id}".encode()).hexdigest()
        rows.add("gift_card", card_id, org.brand_id, org.card_template_id, "BENCH", "STORED_VALUE", state, digest,
                 digest[-4:].upper(), balance, 0, member_id, None, None, None, claimed_at, None, issued, now)
        after = 0
        for kind, delta, at, store_id, member, order_id in entries:
            after += delta
            key = f"pay:{order_id}" if order_id else None
            rows.add("gift_card_ledger_entry", rows.new_id("gift_card_ledger_entry"), org.brand_id, card_id, kind,
                     delta, 0, after, 0, store_id, member, None, order_id, ACTOR, "", key, at, at)


def _guest_sales(rows: Rows, org: Organisation, rng: random.Random, members: int, now: datetime) -> None:
    """Two years of daily guest sales per store, about twice the members' orders, ~55 yuan a ticket."""
    per_store_day = max(1, members * 4 // (len(org.store_ids) * 730))
    today = now.astimezone(ZoneInfo(org.zone)).date()
    for store_id in org.store_ids:
        for back in range(1, 731):
            day = today - timedelta(days=back)
            orders = max(1, int(rng.gauss(2 * per_store_day, per_store_day / 2)))
            amount = sum(int(rng.lognormvariate(8.6, 0.4)) for _ in range(min(orders, 30))) * orders // min(orders, 30)
            closed = datetime.combine(day, time(22), tzinfo=ZoneInfo(org.zone)).astimezone(UTC)
            rows.add("guest_sales", rows.new_id("guest_sales"), org.brand_id, store_id, day, orders, amount,
                     f"bench-eod-{store_id}-{day}", ACTOR, closed, closed)


async def generate(members: int = 100_000, *, seed: int = 1, brand_slug: str = "bench",
                   now: datetime | None = None) -> dict:
    """Create the brand `brand_slug` with `members` members and their history up to `now`.
    Tortoise must be initialised on a migrated database. Returns the brand id, store ids and
    the row counts written."""
    started = clock.perf_counter()
    now = (now or datetime.now(UTC)).astimezone(UTC)
    rng = random.Random(seed)
    org = await _organisation(brand_slug)
    rows = Rows(await _next_ids())
    counters = {"wallet_payments": 0, "points_payments": 0, "refunds": 0}
    member_ids = []
    for first in range(0, members, CHUNK):
        for _ in range(min(CHUNK, members - first)):
            member_id = rows.new_id("member")
            member_ids.append(member_id)
            _member_history(rows, org, rng, member_id, now, counters)
        await _flush(rows)
    _gift_cards(rows, org, rng, max(10, members // 50), member_ids, now)
    _guest_sales(rows, org, rng, members, now)
    await _flush(rows)
    await _reset_sequences()
    return {
        "brand_id": org.brand_id, "brand_slug": brand_slug, "store_ids": org.store_ids,
        "store_codes": org.store_codes, "members": members, "rows": rows.counts, **counters,
        "seconds": round(clock.perf_counter() - started, 1),
    }


async def _main(args: argparse.Namespace) -> None:
    from policies import enforcer
    from server import db

    await db.migrate(args.database_url)
    await db.close_db()
    await db.init_db(args.database_url)
    await enforcer.load_enforcer()
    try:
        result = await generate(args.members, seed=args.seed, brand_slug=args.brand_slug)
    finally:
        await db.close_db()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--brand-slug", default="bench")
    parser.add_argument("--database-url", default="sqlite://var/bench.sqlite3")
    asyncio.run(_main(parser.parse_args()))
