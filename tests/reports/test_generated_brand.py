"""The bench generator writes a brand whose ledgers pass every verify check, with the history
the reports and segments benchmarks need."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from tortoise.functions import Sum

from bench.generate_brand import generate
from domain.channels.verify import verify_channel_orders
from domain.coupons.verify import verify_coupons
from domain.giftcards.verify import verify_gift_cards
from domain.mall.verify import verify_stock
from domain.members.models import Member
from domain.points import purchases
from domain.points.models import LedgerKind, PointsAccount, PointsLedgerEntry, PointsLot, Purchase
from domain.points.verify import verify_ledgers
from domain.reports.models import GuestSales
from domain.tiers.models import MemberTier
from domain.wallet.models import Wallet, WalletPayment
from domain.wallet.verify import verify_wallets
from franchise.models import Staff, Store
from tests.factories import hq

NOW = datetime(2026, 11, 1, 4, 0, tzinfo=UTC)


async def test_generated_brand_passes_every_ledger_check():
    result = await generate(600, seed=7, brand_slug="gen", now=NOW)
    brand_id = result["brand_id"]

    assert await verify_ledgers(brand_id) == []
    assert await verify_wallets(brand_id) == []
    assert await verify_gift_cards(brand_id) == []
    assert await verify_stock(brand_id) == []
    assert await verify_coupons(brand_id) == []
    assert await verify_channel_orders(brand_id) == []


async def test_generated_brand_has_the_shape_the_benchmarks_need():
    result = await generate(600, seed=7, brand_slug="gen", now=NOW)
    brand_id = result["brand_id"]

    assert await Member.filter(brand_id=brand_id).count() == 600
    assert await Store.filter(brand_id=brand_id).count() == 20
    assert len(set(await Store.filter(brand_id=brand_id).values_list("city", flat=True))) == 6
    purchases = await Purchase.filter(brand_id=brand_id).count()
    assert 3 * 600 <= purchases <= 5 * 600
    assert await Purchase.filter(brand_id=brand_id, refunded_minor__gt=0).exists()
    assert 0.05 * 600 <= await Wallet.filter(brand_id=brand_id).count() <= 0.15 * 600
    assert await WalletPayment.filter(brand_id=brand_id).exists()
    kinds = set(await PointsLedgerEntry.filter(brand_id=brand_id).distinct().values_list("kind", flat=True))
    assert {LedgerKind.EARN, LedgerKind.REDEEM, LedgerKind.REVERSE, LedgerKind.EXPIRE} <= {LedgerKind(k) for k in kinds}
    # Some points expire within the next 30 days, for the expiring-points segments.
    soon = await PointsLot.filter(brand_id=brand_id, remaining__gt=0, expires_at__gt=NOW,
                                  expires_at__lte=datetime(2026, 12, 1, tzinfo=UTC)).count()
    assert soon > 0
    assert await MemberTier.filter(brand_id=brand_id, level__gte=1).exists()
    # Guest sales for every store and day, so enrolment rate and member share have a denominator.
    assert await GuestSales.filter(brand_id=brand_id).count() == 20 * 730
    balance = (await PointsAccount.filter(brand_id=brand_id).annotate(s=Sum("balance")).values_list("s", flat=True))[0]
    assert balance > 0


async def test_a_second_brand_after_the_first_keeps_both_consistent():
    await generate(50, seed=1, brand_slug="first", now=NOW)
    second = await generate(50, seed=2, brand_slug="second", now=NOW)

    assert await verify_ledgers() == []
    assert await verify_wallets() == []
    # Ids continue after the generated rows, so the services still insert and stay consistent.
    member = await Member.filter(brand_id=second["brand_id"]).first()
    admin = await Staff.get(brand_id=second["brand_id"], role="hq_admin")
    accrual = await purchases.record_purchase(hq(admin), member_id=member.id, store_id=second["store_ids"][0],
                                              amount=Decimal("88.00"), order_id="after-generation",
                                              channel=purchases.Channel.STORE, occurred_at=NOW)
    assert accrual.points_earned == 88
    assert await verify_ledgers() == []
