"""HQ's points rules at their edges, through the services: rounding, multipliers, wallet-paid
amounts, daily caps, partial refunds, debt, expiry in the brand's time zone, which lots are
spent first, and rule versions. Every moment is explicit (the brand is in Asia/Shanghai, UTC+8)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

import pytest

from domain.members.models import Member
from domain.points import adjustments, expiry, purchases, rules as points_rules
from domain.points.models import ExpiryPolicy, LedgerKind, PointsAccount, PointsLedgerEntry, PointsLot, PointsRules
from domain.points.rules import RulesInput
from domain.points.verify import verify_ledgers
from franchise.errors import DomainError
from franchise.models import Store
from policies import Principal
from tests.factories import hq, make_brand, make_member, make_store

POS = purchases.Channel.POS


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


NOON = utc(2026, 3, 10, 4, 0)  # 12:00 in Shanghai


@dataclass
class Shop:
    boss: Principal
    store: Store
    member: Member

    async def buy(self, amount, order_id: str, at: datetime = NOON, *, member: Member | None = None,
                  wallet_paid=0) -> purchases.Accrual:
        return await purchases.record_purchase(
            self.boss, member_id=(member or self.member).id, store_id=self.store.id, amount=amount,
            order_id=order_id, channel=POS, occurred_at=at, wallet_paid=wallet_paid)

    async def refund(self, order_id: str, refund_id: str, amount, at: datetime = NOON) -> purchases.Reversal:
        return await purchases.refund_purchase(self.boss, order_id=order_id, channel=POS, refund_id=refund_id,
                                               amount=amount, now=at)

    async def spend(self, points: int, key: str, at: datetime = NOON) -> adjustments.Adjustment:
        return await adjustments.adjust_points(self.boss, member_id=self.member.id, delta=-points,
                                               reason="redeemed at the counter", idempotency_key=key, now=at)

    async def set_rules(self, **values) -> PointsRules:
        return await points_rules.update_points_rules(self.boss, RulesInput(**values))

    async def account(self) -> PointsAccount:
        return await PointsAccount.get(member_id=self.member.id)

    async def lots(self) -> list[PointsLot]:
        return await PointsLot.filter(member_id=self.member.id).order_by("id")


@pytest.fixture
async def shop() -> Shop:
    brand, admin = await make_brand("acme")
    store = await make_store(admin, "A")
    return Shop(boss=hq(admin), store=store, member=await make_member(brand, store))


# --- earning -------------------------------------------------------------------------------


async def test_earning_rounds_down_to_whole_steps_of_spend(shop):
    # given "10 points per 100 yuan"
    await shop.set_rules(earn_points=10, earn_per_minor=100_00)

    # when
    earned = [(await shop.buy(amount, f"o-{amount}")).points_earned for amount in ("199.99", "200", "0.01")]

    # then
    assert earned == [10, 20, 0]
    account = await shop.account()
    assert account.balance == 30
    # an order that earns nothing is recorded (a replay answers 0) but writes no ledger row or lot
    assert await PointsLedgerEntry.filter(member_id=shop.member.id, kind=LedgerKind.EARN).count() == 2
    assert (await shop.buy("0.01", "o-0.01")).replayed


async def test_tier_multiplier_applies_to_the_points_of_whole_steps_and_rounds_down_once_at_the_end(shop):
    # given 1 point per whole yuan and a x1.5 multiplier for level 2
    rules = await shop.set_rules(earn_points=1, earn_per_minor=1_00, tier_multipliers={2: Decimal("1.5")})

    # then the multiplier comes from the rules, x1 for a level without one or no tier
    assert points_rules.multiplier_for(rules, 2) == Fraction(3, 2)
    assert points_rules.multiplier_for(rules, 3) == Fraction(1)
    assert points_rules.multiplier_for(rules, None) == Fraction(1)
    # 3 whole yuan earn 3 points, x1.5 = 4.5 -> 4 (rounding each step first would give 3)
    assert points_rules.points_for(rules, 3_00, Fraction("1.5")) == 4
    assert points_rules.points_for(rules, 3_99, Fraction("1.5")) == 4  # the 0.99 is no whole step
    assert points_rules.points_for(rules, 1_00, Fraction("1.5")) == 1
    assert points_rules.points_for(rules, 99, Fraction("1.5")) == 0
    assert points_rules.points_for(rules, 3_00, Fraction("0")) == 0
    assert points_rules.points_for(rules, 0, Fraction("1.5")) == 0


async def test_multiplier_on_10_points_per_100_yuan_multiplies_whole_steps(shop):
    rules = await shop.set_rules(earn_points=10, earn_per_minor=100_00)

    assert points_rules.points_for(rules, 199_99, Fraction("1.5")) == 15
    assert points_rules.points_for(rules, 300_00, Fraction("1.05")) == 31  # 31.5; per step 10 x 3 = 30
    assert points_rules.points_for(rules, 99_99, Fraction("10")) == 0


async def test_wallet_paid_part_of_an_order_earns_only_when_the_rules_say_so(shop):
    # given the default rules (1 point per yuan, wallet-paid amounts do not earn)
    # when an order of 100 yuan is paid 60.50 from the wallet
    estimate = await purchases.estimate_points(shop.boss, member_id=shop.member.id, store_id=shop.store.id,
                                               amount="100", wallet_paid="60.50", occurred_at=NOON)
    without = await shop.buy("100", "o-1", wallet_paid="60.50")

    # then only the 39.50 paid otherwise earns
    assert (estimate.points, without.points_earned) == (39, 39)

    # when HQ lets wallet-paid amounts earn
    await shop.set_rules(wallet_paid_earns=True)
    with_wallet = await shop.buy("100", "o-2", wallet_paid="60.50")

    # then the whole order earns
    assert with_wallet.points_earned == 100
    assert (await shop.account()).balance == 139


async def test_daily_cap_limits_what_one_member_earns_in_a_local_day_and_the_next_day_starts_afresh(shop):
    # given a daily cap of 100 points (1 point per yuan)
    await shop.set_rules(daily_cap=100)
    other = await make_member(await shop.member.brand, shop.store)

    # when one member buys four times on 2026-03-10 in Shanghai (the last at 23:59 local)
    same_day = [
        (await shop.buy("60", "o-1", utc(2026, 3, 9, 16, 0))).points_earned,   # 00:00 local
        (await shop.buy("60", "o-2", utc(2026, 3, 10, 4, 0))).points_earned,   # 12:00
        (await shop.buy("30", "o-3", utc(2026, 3, 10, 15, 59))).points_earned,  # 23:59
    ]
    # and once more at 00:01 the next local day, still 2026-03-10 in UTC
    next_day = (await shop.buy("30", "o-4", utc(2026, 3, 10, 16, 1))).points_earned
    # and another member buys on the capped day
    others = (await shop.buy("150", "o-5", utc(2026, 3, 10, 15, 0), member=other)).points_earned

    # then the cap holds per member and per local day
    assert same_day == [60, 40, 0]
    assert next_day == 30
    assert others == 100
    assert (await shop.account()).balance == 130


# --- refunds and debt ----------------------------------------------------------------------


async def test_partial_refunds_that_add_up_to_the_whole_order_reverse_exactly_the_points_earned(shop):
    # given an order of 100.00 that earned 100 points
    assert (await shop.buy("100.00", "o-1")).points_earned == 100

    # when it is refunded in three parts
    parts = [await shop.refund("o-1", f"r-{n}", amount) for n, amount in enumerate(("33.33", "33.33", "33.34"))]

    # then each part reverses the floor of the cumulative share, and the last takes the rest
    assert [part.points_reversed for part in parts] == [33, 33, 34]
    assert [part.balance for part in parts] == [67, 34, 0]
    purchase = parts[-1].purchase
    assert (purchase.refunded_minor, purchase.points_reversed) == (100_00, 100)
    # and nothing more can be refunded
    with pytest.raises(DomainError) as refused:
        await shop.refund("o-1", "r-more", "0.01")
    assert refused.value.code.value == "REFUND_EXCEEDS_PURCHASE"
    assert await verify_ledgers() == []


async def test_refund_parts_too_small_for_a_point_reverse_nothing_until_the_share_reaches_one(shop):
    # given an order of 10.00 that earned 10 points
    await shop.buy("10.00", "o-1")

    # when refunded 0.50 at a time
    reversed_points = [(await shop.refund("o-1", f"r-{n}", "0.50")).points_reversed for n in range(20)]

    # then a point goes back each time the cumulative share passes a whole point
    assert reversed_points == [0, 1] * 10
    assert (await shop.account()).balance == 0


async def test_refund_after_points_spent_creates_a_debt_that_later_earnings_settle_before_new_lots(shop):
    # given a member who earned 100 points and spent 80
    await shop.buy("100", "o-1")
    await shop.spend(80, "spend-1")

    # when the order is refunded in full
    refund = await shop.refund("o-1", "r-1", "100")

    # then the 20 left are taken and the 80 already spent become a debt, never a negative balance
    assert (refund.points_reversed, refund.debt_added, refund.balance) == (100, 80, 0)

    # when the next order earns 50: all of it settles debt
    await shop.buy("50", "o-2")
    account = await shop.account()
    assert (account.balance, account.debt) == (0, 30)
    settling = await PointsLedgerEntry.get(member_id=shop.member.id, kind=LedgerKind.EARN, points=50)
    assert (settling.delta, settling.debt_delta) == (0, -50)
    assert await PointsLot.filter(member_id=shop.member.id, remaining__gt=0).count() == 0

    # when another order earns 50: 30 settle the rest of the debt, 20 become a lot
    await shop.buy("50", "o-3")
    account = await shop.account()
    assert (account.balance, account.debt) == (20, 0)
    [lot] = await PointsLot.filter(member_id=shop.member.id, remaining__gt=0)
    assert (lot.earned, lot.remaining) == (20, 20)
    # and the debt cannot be spent: the balance is all there is
    with pytest.raises(DomainError) as refused:
        await shop.spend(21, "spend-2")
    assert refused.value.code.value == "INSUFFICIENT_POINTS"
    assert await verify_ledgers() == []


# --- expiry in the brand's time zone --------------------------------------------------------


async def _expiring(shop: Shop, earned_at: datetime, boundary: datetime) -> tuple[int, int, int]:
    """Earn 10 points at `earned_at`; expire one second before `boundary`, at it, and again."""
    await shop.buy("10", f"o-{earned_at.isoformat()}", earned_at)
    [lot] = await PointsLot.filter(member_id=shop.member.id, earned_at=earned_at)
    assert lot.expires_at == boundary
    brand_id = shop.boss.brand_id
    before = await expiry.expire_due_lots(boundary - timedelta(seconds=1), brand_id=brand_id)
    at = await expiry.expire_due_lots(boundary, brand_id=brand_id)
    again = await expiry.expire_due_lots(boundary, brand_id=brand_id)
    return before, at, again


async def test_rolling_months_expiry_ends_at_local_midnight_after_the_same_day_n_months_later(shop):
    # given lots last 2 months
    await shop.set_rules(expiry_policy=ExpiryPolicy.ROLLING_MONTHS, expiry_n=2)

    # when earned at 2026-03-10 23:30 Shanghai (15:30 UTC)
    # then it is valid through 2026-05-10 local: it expires at 2026-05-11 00:00 Shanghai
    assert await _expiring(shop, utc(2026, 3, 10, 15, 30), utc(2026, 5, 10, 16, 0)) == (0, 10, 0)

    # when earned at 2026-03-11 00:30 Shanghai (still 2026-03-10 in UTC)
    # then its day is the local one: it expires at 2026-05-12 00:00 Shanghai
    assert await _expiring(shop, utc(2026, 3, 10, 16, 30), utc(2026, 5, 11, 16, 0)) == (0, 10, 0)
    assert (await shop.account()).balance == 0
    assert await verify_ledgers() == []


async def test_rolling_month_from_the_last_day_of_a_month_ends_with_the_shorter_month(shop):
    # given lots last 1 month
    await shop.set_rules(expiry_policy=ExpiryPolicy.ROLLING_MONTHS, expiry_n=1)

    # when earned on 2026-01-31 (noon Shanghai): one month later is 2026-02-28 (no Feb 31)
    # then it expires at 2026-03-01 00:00 Shanghai
    assert await _expiring(shop, utc(2026, 1, 31, 4, 0), utc(2026, 2, 28, 16, 0)) == (0, 10, 0)

    # when earned on 2028-01-31, a leap year: valid through 2028-02-29
    assert await _expiring(shop, utc(2028, 1, 31, 4, 0), utc(2028, 2, 29, 16, 0)) == (0, 10, 0)


async def test_end_of_year_after_n_counts_years_from_the_local_year_earned(shop):
    # given lots last to the end of the year after the year earned
    await shop.set_rules(expiry_policy=ExpiryPolicy.END_OF_YEAR_AFTER, expiry_n=1)

    # when earned at 2026-12-31 23:30 Shanghai (15:30 UTC)
    # then valid through 2027-12-31: expires at 2028-01-01 00:00 Shanghai
    assert await _expiring(shop, utc(2026, 12, 31, 15, 30), utc(2027, 12, 31, 16, 0)) == (0, 10, 0)

    # when earned at 2027-01-01 00:30 Shanghai, still 2026 in UTC
    # then the local year counts: expires at 2029-01-01 00:00 Shanghai
    assert await _expiring(shop, utc(2026, 12, 31, 16, 30), utc(2028, 12, 31, 16, 0)) == (0, 10, 0)


async def test_spending_after_the_boundary_cannot_use_expired_points(shop):
    # given 10 points that expire at 2026-04-11 00:00 Shanghai (1 month rolling)
    await shop.set_rules(expiry_n=1)
    await shop.buy("10", "o-1", utc(2026, 3, 10, 4, 0))
    boundary = utc(2026, 4, 10, 16, 0)

    # when spent one second before the boundary, then again at it
    await shop.spend(4, "spend-1", utc(2026, 4, 10, 15, 59, 59))
    with pytest.raises(DomainError) as refused:
        await shop.spend(1, "spend-2", boundary)

    # then the 6 left cannot be spent: they are due, and the expiry job takes them
    assert refused.value.code.value == "INSUFFICIENT_POINTS"
    assert await expiry.expire_due_lots(boundary) == 6
    assert (await shop.account()).balance == 0
    [expired] = await PointsLedgerEntry.filter(member_id=shop.member.id, kind=LedgerKind.EXPIRE)
    assert (expired.points, expired.occurred_at) == (6, boundary)


# --- which lots are spent ------------------------------------------------------------------


async def test_spending_consumes_the_soonest_expiring_lots_first_whatever_order_they_were_earned_in(shop):
    # given three lots: 12 months (earned first), then 1 month, then 3 months
    first = await shop.buy("30", "o-12m", utc(2026, 3, 1, 4, 0))
    await shop.set_rules(expiry_n=1)
    second = await shop.buy("20", "o-1m", utc(2026, 3, 2, 4, 0))
    await shop.set_rules(expiry_n=3)
    third = await shop.buy("10", "o-3m", utc(2026, 3, 3, 4, 0))

    # when 25 points are spent
    await shop.spend(25, "spend-1", utc(2026, 3, 4, 4, 0))

    # then the 1-month lot is used up, the 3-month lot gives 5, the 12-month lot is untouched
    remaining = {lot.purchase_id: lot.remaining for lot in await shop.lots()}
    assert remaining == {second.purchase.id: 0, third.purchase.id: 5, first.purchase.id: 30}
    assert await verify_ledgers() == []


async def test_a_refund_takes_the_refunded_orders_own_lots_first(shop):
    # given an order earning 100 (expiring sooner) and a later order earning 100
    older = await shop.buy("100", "o-1", utc(2026, 3, 1, 4, 0))
    newer = await shop.buy("100", "o-2", utc(2026, 3, 5, 4, 0))

    # when half of the later order is refunded
    await shop.refund("o-2", "r-1", "50", utc(2026, 3, 6, 4, 0))

    # then its own lot gives the points back, although the other lot expires sooner
    remaining = {lot.purchase_id: lot.remaining for lot in await shop.lots()}
    assert remaining == {older.purchase.id: 100, newer.purchase.id: 50}

    # when the rest of that order is refunded after its lot was partly spent
    await shop.spend(70, "spend-1", utc(2026, 3, 7, 4, 0))  # 70 from the older lot
    await shop.spend(40, "spend-2", utc(2026, 3, 7, 5, 0))  # 30 older, then 10 from the newer
    await shop.refund("o-2", "r-2", "50", utc(2026, 3, 8, 4, 0))

    # then the 40 left in its lot go first, then nothing else is left: 10 become a debt
    account = await shop.account()
    assert (account.balance, account.debt) == (0, 10)
    assert await verify_ledgers() == []


# --- versions and validation ---------------------------------------------------------------


async def test_updating_the_rules_creates_a_new_version_and_each_ledger_row_records_the_version_it_used(shop):
    # given the platform defaults (version 1) and an order earned under them
    assert (await points_rules.get_points_rules(shop.boss)).version == 1
    first = await shop.buy("100", "o-1")

    # when HQ changes the earn rate
    updated = await shop.set_rules(earn_points=2)
    second = await shop.buy("100", "o-2")
    await shop.refund("o-1", "r-1", "50")

    # then a new version is stored and the old one kept as it was
    assert updated.version == 2
    versions = await PointsRules.filter(brand_id=shop.boss.brand_id).order_by("version").values_list(
        "version", "earn_points")
    assert versions == [(1, 1), (2, 2)]
    assert (first.points_earned, second.points_earned) == (100, 200)
    assert (first.purchase.rule_version, second.purchase.rule_version) == (1, 2)
    # and the refund of the first order uses that order's version, not the current one
    rows = await PointsLedgerEntry.filter(member_id=shop.member.id).order_by("id").values_list(
        "kind", "points", "rule_version")
    assert rows == [(LedgerKind.EARN, 100, 1), (LedgerKind.EARN, 200, 2), (LedgerKind.REVERSE, 50, 1)]


@pytest.mark.parametrize("change, field", [
    (RulesInput(earn_points=0), "earnPoints"),
    (RulesInput(earn_points=10_001), "earnPoints"),
    (RulesInput(earn_per_minor=0), "earnPer"),
    (RulesInput(tier_multipliers={11: Decimal("1.5")}), "tierMultipliers"),
    (RulesInput(tier_multipliers={2: Decimal("-1")}), "tierMultipliers"),
    (RulesInput(tier_multipliers={2: Decimal("1.555")}), "tierMultipliers"),
    (RulesInput(tier_multipliers={2: "fast"}), "tierMultipliers"),
    (RulesInput(activity_points={"DANCE": {"points": 5, "daily_cap": 10}}), "activityPoints"),
    (RulesInput(activity_points={"CHECK_IN": {"points": -5, "daily_cap": 10}}), "activityPoints"),
    (RulesInput(expiry_n=0), "expiryN"),
    (RulesInput(expiry_n=121), "expiryN"),
    (RulesInput(daily_cap=0), "dailyCap"),
])
async def test_invalid_rules_are_refused_with_the_field_and_no_new_version(shop, change, field):
    # when
    with pytest.raises(DomainError) as refused:
        await points_rules.update_points_rules(shop.boss, change)

    # then
    assert (refused.value.code.value, refused.value.field) == ("INVALID_RULES", field)
    assert (await points_rules.current_rules(shop.boss.brand_id)).version == 1
