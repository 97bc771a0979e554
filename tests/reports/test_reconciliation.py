"""A scripted month of mixed activity (October 2025, Asia/Shanghai) through the services with a
controlled clock; then every report figure equals the figure recomputed here, in plain Python,
from the ledger rows, for every store, every city and the brand; and outstanding balances
equal the sums of the members' balances."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from domain.giftcards import claim, payments as card_payments
from domain.giftcards.models import GiftCard, GiftCardKind, GiftCardLedgerEntry
from domain.mall import items as mall_items, redemptions
from domain.mall.models import MallItemKind, MallRedemption
from domain.members.models import Member
from domain.points import expiry, payments as points_payments, purchases
from domain.points.models import PointsAccount, PointsLedgerEntry, Purchase
from domain.reports import guest_sales, service
from domain.reports.figures import Figures
from domain.reports.models import GuestSales
from domain.tiers.models import MemberTier
from domain.wallet import payments as wallet_payments, refunds as wallet_refunds
from domain.wallet.models import Wallet, WalletLedgerEntry, WalletLedgerLine
from domain.wallet.reports import outstanding_by_store
from policies import Principal
from tests.factories import hq, make_brand, make_member, make_store
from tests.giftcards.support import issue_cards, make_template
from tests.mall.support import tier_program
from tests.reports.support import BRAND_REPORT
from tests.wallet.support import make_plan, top_up

ZONE = ZoneInfo("Asia/Shanghai")
OCTOBER = (date(2025, 10, 1), date(2025, 10, 31))
CREDITS = ("EARN", "ACTIVITY", "OPENING", "ADJUST", "REWARD")
CARD_REDEMPTIONS = ("PAY", "PICKUP", "EXCHANGE", "BENEFIT")


def at(day: date | int, hour: int = 12, month: int = 10, year: int = 2025) -> datetime:
    """A local time in the brand's zone (a day of October 2025 by default), as UTC."""
    local = day if isinstance(day, date) else date(year, month, day)
    return datetime.combine(local, time(hour), tzinfo=ZONE).astimezone(UTC)


async def buy(admin, member, store, amount: str, order: str, when: datetime, wallet_paid: str = "0"):
    return await purchases.record_purchase(hq(admin), member_id=member.id, store_id=store.id, amount=amount,
                                           order_id=order, channel=purchases.Channel.STORE, occurred_at=when,
                                           wallet_paid=wallet_paid)


async def enrolled(member, when: datetime):
    # Members are created "now"; the scripted month needs them enrolled on their own days.
    await Member.filter(id=member.id).update(created_at=when)


@pytest.fixture
async def month(app):
    """Stores A (Shanghai), B and C (Hangzhou); six members; a month of everything."""
    runtime = app.state.runtime
    brand, admin = await make_brand("recon")
    a, b, c = await make_store(admin, "A"), await make_store(admin, "B", "Hangzhou"), \
        await make_store(admin, "C", "Hangzhou")
    world = type("W", (), {"admin": admin, "brand": brand})()
    await tier_program(world)
    plan = await make_plan(world, pay_minor=300_00, bonus_minor=60_00)
    item = await mall_items.upsert_mall_item(hq(admin), mall_items.ItemInput(
        name="Tote bag", kind=MallItemKind.VIRTUAL, points_price=50, stock=10))
    template = await make_template(world, GiftCardKind.STORED_VALUE)
    m1, m2, m3, m4, m5, m6 = [await make_member(brand, store, name=f"M{i}")
                              for i, store in enumerate((a, a, b, b, c, a), start=1)]
    await enrolled(m1, at(1, month=9, year=2024))
    await enrolled(m2, at(20, month=9))
    for member, day in ((m3, 3), (m4, 4), (m5, 11)):
        await enrolled(member, at(day, 9))
    await enrolled(m6, at(5, month=11))  # after the month

    # A year earlier: m1's points that expire on 3 October.
    await buy(admin, m1, a, "300.00", "old-1", at(3, month=10, year=2024))
    # October.
    [card] = await issue_cards(world, runtime, template, 1, now=at(1, 9))
    await buy(admin, m1, a, "200.00", "o-1", at(2))
    await buy(admin, m2, a, "500.00", "o-2", at(3))
    await expiry.expire_due_lots(at(4, 2))
    await buy(admin, m4, b, "1000.00", "o-3", at(4))  # reaches level 2
    await purchases.refund_purchase(hq(admin), order_id="o-2", channel=purchases.Channel.STORE, refund_id="r-1",
                                    amount="250.00", now=at(5))
    await top_up(world, member=m3, store=b, plan=plan, ref="t-1", now=at(6))
    await wallet_payments.pay_with_wallet(hq(admin), member_id=m3.id, store_id=b.id, amount="120.00",
                                          order_id="o-4", now=at(7))
    await buy(admin, m3, b, "120.00", "o-4", at(7), wallet_paid="120.00")
    await wallet_payments.pay_with_wallet(hq(admin), member_id=m3.id, store_id=c.id, amount="50.00",
                                          order_id="o-5", now=at(8))
    await wallet_payments.refund_wallet_payment(hq(admin), order_id="o-5", now=at(9))
    await buy(admin, m1, b, "150.00", "o-6", at(10))
    await claim.claim_gift_card(runtime, Principal.member(member_id=m5.id, brand_id=brand.id), code=card.code,
                                now=at(11))
    await card_payments.pay_with_gift_card(runtime, hq(admin), store_id=c.id, amount="30.00", order_id="g-1",
                                           card_id=card.card.id, now=at(12))
    await points_payments.pay_with_points(hq(admin), member_id=m2.id, store_id=a.id, order_id="o-7",
                                          order_amount="80.00", points=100, now=at(12))
    await buy(admin, m2, a, "80.00", "o-7", at(12))
    await redemptions.redeem_mall_item(Principal.member(member_id=m4.id, brand_id=brand.id), item_id=item.id,
                                       quantity=1, idempotency_key="mall-1", now=at(15))
    await buy(admin, m4, c, "80.00", "o-8", at(20))
    await top_up(world, "100.00", member=m5, store=c, ref="t-2", now=at(21))
    await wallet_refunds.refund_wallet_balance(hq(admin), member_id=m5.id, store_id=c.id, refund_id="bal-1",
                                               reason="moving away", now=at(25))
    for store, day, orders, amount in ((a, 2, 10, "800.00"), (b, 10, 5, "300.50"), (c, 31, 2, "40.00")):
        await guest_sales.record_guest_sales(hq(admin), store_id=store.id, business_date=date(2025, 10, day),
                                             orders=orders, amount=amount, idempotency_key=f"eod-{store.code}-{day}",
                                             now=at(day, 23))
    # After the month: outside October's flows, inside the later outstanding balances.
    await buy(admin, m2, a, "60.00", "o-9", at(2, month=11))
    await guest_sales.record_guest_sales(hq(admin), store_id=a.id, business_date=date(2025, 11, 1), orders=3,
                                         amount="90.00", idempotency_key="eod-A-nov", now=at(1, 23, month=11))
    return brand, admin, (a, b, c)


# The independent recomputation: plain Python over every ledger row of the brand.


def _in(moment: datetime, start: datetime, end: datetime) -> bool:
    return start <= moment < end


async def recompute(brand_id: int, first: date, last: date, group: str) -> dict:
    start, end = at(first, 0), at(date.fromordinal(last.toordinal() + 1), 0)
    stores = {s.id: s for s in await __import__("franchise.models", fromlist=["Store"]).Store.filter(brand_id=brand_id)}
    members = {m.id: m for m in await Member.filter(brand_id=brand_id)}

    def key(store_id: int):
        return {"store": store_id, "city": stores[store_id].city, "brand": brand_id}[group]

    out: dict = {}

    def fig(store_id: int) -> Figures:
        return out.setdefault(key(store_id), Figures())

    for m in members.values():
        if _in(m.created_at, start, end):
            fig(m.home_store_id).new_members += 1
    for g in await GuestSales.filter(brand_id=brand_id):
        if first <= g.business_date <= last:
            fig(g.store_id).guest_orders += g.orders
            fig(g.store_id).guest_sales += g.amount_minor
    orders: dict = {}
    for p in await Purchase.filter(brand_id=brand_id):
        if _in(p.occurred_at, start, end):
            fig(p.store_id).member_orders += 1
            fig(p.store_id).member_sales += p.amount_minor
            orders.setdefault((key(p.store_id), p.member_id), [p.store_id, 0])[1] += 1
    for (_, _), (store_id, n) in orders.items():
        fig(store_id).active_members += 1
        fig(store_id).repeat_members += n >= 2
    for e in await PointsLedgerEntry.filter(brand_id=brand_id):
        home = members[e.member_id].home_store_id
        kind, signed = e.kind.value, e.delta - e.debt_delta
        if e.occurred_at < end:
            fig(home).points_outstanding += e.delta
            fig(home).points_debt += e.debt_delta
        if not _in(e.occurred_at, start, end):
            continue
        f = fig(e.store_id or home)
        if kind in CREDITS and signed > 0:
            f.points_issued += e.points
        elif kind == "REDEEM":
            f.points_redeemed += e.points
        elif kind == "RETURN":
            f.points_redeemed -= e.points
        elif kind == "EXPIRE":
            f.points_expired += e.points
        elif kind == "REVERSE":
            f.points_reversed += e.points
        elif kind == "ADJUST":
            f.points_adjusted_out += e.points
    entries = {e.id: e for e in await WalletLedgerEntry.filter(brand_id=brand_id)}
    for e in entries.values():
        if not _in(e.occurred_at, start, end):
            continue
        f, kind = fig(e.store_id or members[e.member_id].home_store_id), e.kind.value
        if kind == "TOP_UP":
            f.wallet_topped_up += e.principal_delta
        elif kind == "BONUS":
            f.wallet_bonus_granted += e.bonus_delta
        elif kind in ("PAY", "PAY_REFUND"):
            f.wallet_spent_principal -= e.principal_delta
            f.wallet_spent_bonus -= e.bonus_delta
        elif kind == "BALANCE_REFUND":
            f.wallet_refunded -= e.principal_delta
            f.wallet_bonus_lapsed -= e.bonus_delta
        else:
            f.wallet_bonus_lapsed -= e.bonus_delta
    for line in await WalletLedgerLine.filter(brand_id=brand_id):
        if entries[line.entry_id].occurred_at < end:
            if line.bucket.value == "PRINCIPAL":
                fig(line.origin_store_id).wallet_outstanding_principal += line.amount
            else:
                fig(line.origin_store_id).wallet_outstanding_bonus += line.amount
    card_total = Figures(gift_cards_issued=0, gift_card_outstanding=0)
    for e in await GiftCardLedgerEntry.filter(brand_id=brand_id):
        if e.occurred_at < end:
            card_total.gift_card_outstanding += e.amount_delta
        if not _in(e.occurred_at, start, end):
            continue
        kind = e.kind.value
        target = fig(e.store_id) if e.store_id is not None else (card_total if group == "brand" else None)
        if kind == "ISSUE":
            card_total.gift_cards_issued += 1
        if target is not None and kind in (*CARD_REDEMPTIONS, "PAY_REFUND"):
            target.gift_cards_redeemed += kind in CARD_REDEMPTIONS
            target.gift_card_amount_redeemed -= e.amount_delta
    redeemers: dict = {}
    for r in await MallRedemption.filter(brand_id=brand_id):
        if _in(r.created_at, start, end) and r.state.value != "CANCELLED":
            home = members[r.member_id].home_store_id
            fig(home).mall_redemptions += 1
            redeemers.setdefault(key(home), set()).add(r.member_id)
    for k, who in redeemers.items():
        out[k].mall_redeeming_members = len(who)
    levels = {t.member_id: t.level for t in await MemberTier.filter(brand_id=brand_id)}
    for m in members.values():
        if m.created_at < end:
            dist = fig(m.home_store_id).tier_distribution
            dist[levels.get(m.id, 0)] = dist.get(levels.get(m.id, 0), 0) + 1
    if group == "brand":
        total = out.setdefault(brand_id, Figures())
        total.gift_cards_issued = card_total.gift_cards_issued
        total.gift_card_outstanding = card_total.gift_card_outstanding
        total.gift_cards_redeemed += card_total.gift_cards_redeemed
        total.gift_card_amount_redeemed += card_total.gift_card_amount_redeemed
    return out


def _plain(figures: Figures) -> dict:
    return dataclasses.asdict(figures)


async def test_every_report_figure_equals_its_recomputation_from_the_ledgers(month):
    brand, admin, stores = month

    for group_by, group in ((service.Grouping.STORE, "store"), (service.Grouping.CITY, "city")):
        report = await service.brand_report(hq(admin), first_day=OCTOBER[0], last_day=OCTOBER[1], group_by=group_by)
        expected = await recompute(brand.id, *OCTOBER, group)
        for row in report.rows:
            row_key = row.store.id if row.store else row.city
            assert _plain(row.figures) == _plain(expected.get(row_key, Figures())), row_key
        assert _plain(report.total) == _plain((await recompute(brand.id, *OCTOBER, "brand"))[brand.id])
    for store in stores:
        one = await service.store_report(hq(admin), store_id=store.id, first_day=OCTOBER[0], last_day=OCTOBER[1])
        assert _plain(one.figures) == _plain((await recompute(brand.id, *OCTOBER, "store"))[store.id])


async def test_the_scripted_month_shows_in_the_figures_it_should(month):
    brand, admin, (a, b, c) = month

    report = await service.brand_report(hq(admin), first_day=OCTOBER[0], last_day=OCTOBER[1],
                                        group_by=service.Grouping.CITY)
    total = report.total
    # Enrolled in October: m3, m4, m5 (m2 in September, m6 in November).
    assert total.new_members == 3
    assert (total.guest_orders, total.guest_sales) == (17, 1140_50)
    assert total.enrolment_rate == round(3 / 17, 4)
    # Orders o-1..o-8 less o-5 (paid by wallet, never recorded as a purchase): 7 orders, 5 members.
    assert (total.member_orders, total.member_sales) == (7, 2130_00)
    assert (total.active_members, total.repeat_members) == (4, 3)
    assert total.member_sales_share == round(2130_00 / (2130_00 + 1140_50), 4)
    assert total.points_expired == 300 and total.points_reversed == 250 and total.points_redeemed == 100 + 50
    assert (total.wallet_topped_up, total.wallet_bonus_granted) == (400_00, 60_00)
    assert (total.wallet_refunded, total.mall_redemptions, total.gift_cards_issued) == (100_00, 1, 1)
    assert total.gift_card_amount_redeemed == 30_00 and total.gift_card_outstanding == 70_00
    hangzhou = next(row for row in report.rows if row.city == "Hangzhou")
    assert hangzhou.figures.active_members == 3  # m1 at B, m3 at B, m4 at B and C: counted once


async def test_outstanding_balances_equal_the_sums_of_member_balances(month):
    brand, admin, _ = month

    # A range that ends after all the activity: the ledger's outstanding is today's balances.
    report = await service.brand_report(hq(admin), first_day=date(2025, 10, 1), last_day=date(2025, 11, 30),
                                        group_by=service.Grouping.STORE)

    accounts = await PointsAccount.filter(brand_id=brand.id)
    wallets = await Wallet.filter(brand_id=brand.id)
    cards = await GiftCard.filter(brand_id=brand.id)
    assert report.total.points_outstanding == sum(a.balance for a in accounts) > 0
    assert report.total.points_debt == sum(a.debt for a in accounts)
    assert report.total.wallet_outstanding_principal == sum(w.principal_minor for w in wallets) > 0
    assert report.total.wallet_outstanding_bonus == sum(w.bonus_minor for w in wallets) > 0
    assert report.total.gift_card_outstanding == sum(c.balance_minor for c in cards)
    assert sum(row.figures.points_outstanding for row in report.rows) == report.total.points_outstanding
    by_store = {o.store_id: o for o in await outstanding_by_store(brand.id)}
    for row in report.rows:  # the wallet's own liability report agrees store by store
        found = by_store.get(row.store.id)
        assert row.figures.wallet_outstanding_principal == (found.principal if found else 0)
        assert row.figures.wallet_outstanding_bonus == (found.bonus if found else 0)


async def test_the_graphql_brand_report_carries_the_service_figures_as_money(gql, tokens, month):
    brand, admin, _ = month
    token = tokens.issue(kind="staff", subject_id=admin.id, brand_id=brand.id)

    body = await gql(BRAND_REPORT, {"from": "2025-10-01", "to": "2025-10-31", "groupBy": "CITY"}, token=token)

    report = body["data"]["brandReport"]["report"]
    assert [row["city"] for row in report["rows"]] == ["Hangzhou", "Shanghai"]
    total = report["total"]
    assert (total["memberSales"], total["guestSales"], total["walletToppedUp"]) == ("2130.00", "1140.50", "400.00")
    assert total["memberAverageOrder"] == str((Decimal(2130_00) // 7 / 100).quantize(Decimal("0.01")))
    # Enrolled by 31 October: m5 never bought (no tier), m3 Silver; Gold (500.00 in a period): m1
    # (300.00 + 200.00 before its first period ended on 3 October), m2 (580.00), m4 (1,080.00).
    assert total["tierDistribution"] == [{"level": 0, "members": 1}, {"level": 1, "members": 1},
                                         {"level": 2, "members": 3}]
