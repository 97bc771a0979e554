"""Property: whatever sequence of earn / refund / redeem / expire one member goes through, every
account stays consistent (balance = sum of ledger = sum of open lots >= 0, debt >= 0) after
EVERY step, and the balance, the debt and each lot match a plain-Python model of the rules.

Hypothesis drives an async test: pytest-asyncio runs each example's coroutine on the session
loop (its AsyncHypothesisTest item). Fixtures are set up once per test, not per example, so
each example makes its own brand and the shared database never mixes two examples."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from hypothesis import HealthCheck, given, settings, strategies as st

from domain.points import adjustments, expiry, purchases, rules as points_rules
from domain.points.models import ExpiryPolicy, PointsAccount, PointsLot, PointsRules
from domain.points.rules import RulesInput
from domain.points.verify import verify_ledgers
from franchise.errors import DomainError
from tests.factories import hq, make_brand, make_member, make_store

START = datetime(2026, 1, 1, 4, 0, tzinfo=timezone.utc)
_brands = itertools.count(1)

# --- what an example is made of -----------------------------------------------------------

rules_changes = st.fixed_dictionaries({
    "earn_points": st.sampled_from([1, 3, 10]),
    "earn_per_minor": st.sampled_from([1_00, 7_77, 100_00]),
    "expiry_policy": st.sampled_from([ExpiryPolicy.ROLLING_MONTHS, ExpiryPolicy.END_OF_YEAR_AFTER]),
    "expiry_n": st.integers(1, 3),
    "daily_cap": st.one_of(st.none(), st.integers(1, 500)),
})
# Each step first moves the clock forward: a few minutes (same local day, so lots tie on their
# expiry and daily caps bite), up to ~70 days (lots come due along the way), or (None) exactly
# to the soonest open lot's expiry, the boundary where off-by-one errors live.
later = st.one_of(st.integers(0, 120), st.integers(0, 100_000)).map(lambda m: timedelta(minutes=m)) | st.none()
steps = st.lists(st.one_of(
    st.tuples(st.just("earn"), later, st.integers(1, 800_00)),  # amount in fen
    st.tuples(st.just("refund"), later, st.integers(0, 1_000), st.integers(1, 100)),  # which order, % of what is left
    st.tuples(st.just("redeem"), later, st.integers(1, 1_200)),  # points asked for
    st.tuples(st.just("expire"), later),
), min_size=1, max_size=14)


# --- the model ----------------------------------------------------------------------------


@dataclass
class Lot:
    expires_at: datetime
    purchase: int | None
    remaining: int


@dataclass
class Order:
    order_id: str
    amount: int
    points: int
    refunded: int = 0
    reversed: int = 0


@dataclass
class Model:
    """What the rules say the account holds, computed without the database."""

    rules: PointsRules
    zone: str
    lots: list[Lot] = field(default_factory=list)  # in creation order, like lot ids
    orders: list[Order] = field(default_factory=list)
    debt: int = 0
    earned_on: dict = field(default_factory=dict)  # local day -> points earned by purchases

    @property
    def balance(self) -> int:
        return sum(lot.remaining for lot in self.lots)

    def next_expiry(self, now: datetime) -> datetime:
        return min((lot.expires_at for lot in self.lots if lot.remaining and lot.expires_at > now), default=now)

    def usable(self, now: datetime) -> int:
        return sum(lot.remaining for lot in self.lots if lot.expires_at > now)

    def expire(self, now: datetime) -> int:
        total = 0
        for lot in self.lots:
            if lot.remaining and lot.expires_at <= now:
                total, lot.remaining = total + lot.remaining, 0
        return total

    def earn(self, amount: int, at: datetime) -> int:
        points = points_rules.points_for(self.rules, amount)
        if self.rules.daily_cap is not None:
            day = points_rules.local_day_bounds(at, self.zone)[0]
            points = max(0, min(points, self.rules.daily_cap - self.earned_on.get(day, 0)))
            self.earned_on[day] = self.earned_on.get(day, 0) + points
        self.orders.append(Order(f"o-{len(self.orders)}", amount, points))
        settled = min(self.debt, points)
        self.debt -= settled
        if points - settled:
            self.lots.append(Lot(points_rules.expires_at(self.rules, at, self.zone), len(self.orders) - 1,
                                 points - settled))
        return points

    def debit(self, points: int, now: datetime, *, purchase: int | None = None) -> None:
        self.expire(now)
        taken = min(points, self.balance)
        self.debt += points - taken
        # a refunded order's own lots first, then the soonest expiring; ties by creation (sort is stable)
        for lot in sorted(self.lots, key=lambda lot: (purchase is not None and lot.purchase != purchase,
                                                      lot.expires_at)):
            used = min(lot.remaining, taken)
            lot.remaining -= used
            taken -= used

    def refund(self, index: int, amount: int, now: datetime) -> int:
        order = self.orders[index]
        order.refunded += amount
        target = order.points * order.refunded // order.amount
        points, order.reversed = target - order.reversed, target
        if points:
            self.debit(points, now, purchase=index)
        return points


# --- the property -------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(change=rules_changes, operations=steps)
async def test_every_step_keeps_every_account_consistent_and_equal_to_the_model(change, operations):
    # given a brand of its own with the drawn rules, one store and one member
    brand, admin = await make_brand(f"prop-{next(_brands)}")
    store = await make_store(admin, "A")
    member = await make_member(brand, store)
    boss = hq(admin)
    rules = await points_rules.update_points_rules(boss, RulesInput(**change))
    model = Model(rules=rules, zone=brand.timezone)
    clock = START

    for number, (kind, step, *args) in enumerate(operations):
        clock = model.next_expiry(clock) if step is None else clock + step
        # when
        if kind == "earn":
            (amount,) = args
            accrual = await purchases.record_purchase(
                boss, member_id=member.id, store_id=store.id, amount=Decimal(amount) / 100,
                order_id=f"o-{len(model.orders)}", channel=purchases.Channel.POS, occurred_at=clock)
            assert accrual.points_earned == model.earn(amount, clock)
        elif kind == "refund":
            pick, percent = args
            if not model.orders:
                continue
            index = pick % len(model.orders)
            order = model.orders[index]
            left = order.amount - order.refunded
            amount = max(1, left * percent // 100) if left else 1
            try:
                reversal = await purchases.refund_purchase(
                    boss, order_id=order.order_id, channel=purchases.Channel.POS, refund_id=f"r-{number}",
                    amount=Decimal(amount) / 100, now=clock)
            except DomainError as error:
                assert (left, error.code.value) == (0, "REFUND_EXCEEDS_PURCHASE")
            else:
                assert left > 0
                assert reversal.points_reversed == model.refund(index, amount, clock)
        elif kind == "redeem":
            (points,) = args
            usable = model.usable(clock)  # a spend sees only what has not expired
            try:
                await adjustments.adjust_points(boss, member_id=member.id, delta=-points, reason="redeemed",
                                                idempotency_key=f"k-{number}", now=clock)
            except DomainError as error:
                # refused as a whole: lots that were due stay for the expiry job
                assert (error.code.value, points > usable) == ("INSUFFICIENT_POINTS", True)
            else:
                assert points <= usable
                model.debit(points, clock)
        else:
            assert await expiry.expire_due_lots(clock, brand_id=brand.id) == model.expire(clock)

        # then, after every step
        assert await verify_ledgers() == []
        account = await PointsAccount.get_or_none(member_id=member.id)
        balance, debt = (account.balance, account.debt) if account else (0, 0)
        assert balance >= 0 and debt >= 0
        lots = await PointsLot.filter(member_id=member.id).order_by("id").values_list("remaining", flat=True)
        assert (balance, debt) == (sum(lots), model.debt)
        assert list(lots) == [lot.remaining for lot in model.lots]
