"""The ledger's life through the services: earn, spend through a refund into debt, settle, expire."""

from datetime import datetime, timezone
from decimal import Decimal

from domain.points import adjustments, expiry, purchases
from domain.points.models import LedgerKind, PointsAccount, PointsLedgerEntry, PointsLot
from domain.points.verify import verify_ledgers
from tests.factories import hq, make_brand, make_member, make_store

T0 = datetime(2026, 3, 1, 4, 0, tzinfo=timezone.utc)  # 12:00 in Shanghai


async def test_refund_after_points_spent_creates_debt_that_the_next_purchase_settles():
    # given a member who earned 150 points (default rules: 1 point per yuan) and spent 100
    brand, admin = await make_brand("acme")
    store = await make_store(admin, "A")
    member = await make_member(brand, store)
    boss = hq(admin)
    first = await purchases.record_purchase(boss, member_id=member.id, store_id=store.id, amount=Decimal("150.99"),
                                            order_id="o-1", channel=purchases.Channel.POS, occurred_at=T0)
    assert (first.points_earned, first.balance) == (150, 150)
    await adjustments.adjust_points(boss, member_id=member.id, delta=-100, reason="spent", idempotency_key="k1", now=T0)

    # when the whole order is refunded
    refund = await purchases.refund_purchase(boss, order_id="o-1", channel=purchases.Channel.POS, refund_id="r-1",
                                             amount=Decimal("150.99"), now=T0)

    # then 50 points come back off the balance and 100 become a debt, never a negative balance
    assert (refund.points_reversed, refund.debt_added, refund.balance) == (150, 100, 0)
    # and the next earning settles the debt first
    second = await purchases.record_purchase(boss, member_id=member.id, store_id=store.id, amount=Decimal("130"),
                                             order_id="o-2", channel=purchases.Channel.POS, occurred_at=T0)
    account = await PointsAccount.get(member_id=member.id)
    assert (second.points_earned, account.balance, account.debt) == (130, 30, 0)
    assert await verify_ledgers() == []


async def test_replayed_order_earns_once_and_lots_expire_once():
    brand, admin = await make_brand("acme")
    store = await make_store(admin, "A")
    member = await make_member(brand, store)
    boss = hq(admin)
    for _ in range(3):
        accrual = await purchases.record_purchase(boss, member_id=member.id, store_id=store.id, amount="88",
                                                  order_id="o-1", channel=purchases.Channel.POS, occurred_at=T0)
    assert (accrual.points_earned, accrual.balance, accrual.replayed) == (88, 88, True)
    lot = await PointsLot.get(member_id=member.id)
    # 12 months rolling, to the end of the local day: 2027-03-02 00:00 Shanghai
    assert lot.expires_at == datetime(2027, 3, 1, 16, 0, tzinfo=timezone.utc)

    just_before = await expiry.expire_due_lots(datetime(2027, 3, 1, 15, 59, 59, tzinfo=timezone.utc))
    at_boundary = await expiry.expire_due_lots(lot.expires_at)
    again = await expiry.expire_due_lots(lot.expires_at)

    assert (just_before, at_boundary, again) == (0, 88, 0)
    assert await PointsLedgerEntry.filter(member_id=member.id, kind=LedgerKind.EXPIRE).count() == 1
    assert (await PointsAccount.get(member_id=member.id)).balance == 0
    assert await verify_ledgers() == []
