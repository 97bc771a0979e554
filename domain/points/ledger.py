"""The only code that moves points. Callers hold a transaction and the locked account:

    async with events.atomic():  # in_transaction() that publishes balance changes after commit
        account = await lock_account(brand_id, member_id)
        await credit(account, ...) / await debit(account, ...)

so that balance = sum(ledger.delta) = sum(open lots) and debt = sum(ledger.debt_delta) hold
after every commit, whatever runs at the same time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain import events, metrics
from domain.points.errors import PointsErrorCode
from domain.points.models import LedgerKind, PointsAccount, PointsLedgerEntry, PointsLot, PointsLotUse
from franchise.errors import DomainError


@dataclass
class Movement:
    """Who and why, recorded on every ledger row."""

    actor: str
    occurred_at: datetime
    store_id: int | None = None
    purchase_id: int | None = None
    rule_version: int | None = None
    reason: str = ""
    idempotency_key: str | None = None
    campaign_id: int | None = None


async def lock_account(brand_id: int, member_id: int) -> PointsAccount:
    """The member's account, locked until the transaction ends (created on first use)."""
    account = await PointsAccount.filter(member_id=member_id).select_for_update().first()
    if account is None:
        try:
            async with in_transaction():  # a savepoint: a concurrent creator may win
                await PointsAccount.create(brand_id=brand_id, member_id=member_id)
        except IntegrityError:
            pass
        account = await PointsAccount.filter(member_id=member_id).select_for_update().first()
    return account


async def _entry(account: PointsAccount, kind: LedgerKind, points: int, delta: int, debt_delta: int,
                 move: Movement) -> PointsLedgerEntry:
    account.balance += delta
    account.debt += debt_delta
    if account.balance < 0 or account.debt < 0:
        raise AssertionError("a ledger movement would make a balance negative")
    metrics.count("ledger_writes", ledger="points", kind=kind.value)
    if delta:
        events.record(events.BalanceChanged(
            account="points", brand_id=account.brand_id, member_id=account.member_id, balance=account.balance,
            delta=delta, kind=kind.value, occurred_at=move.occurred_at,
        ))
    return await PointsLedgerEntry.create(
        brand_id=account.brand_id, member_id=account.member_id, kind=kind, points=points,
        delta=delta, debt_delta=debt_delta, balance_after=account.balance,
        rule_version=move.rule_version, store_id=move.store_id, purchase_id=move.purchase_id,
        actor=move.actor, reason=move.reason, idempotency_key=move.idempotency_key,
        occurred_at=move.occurred_at, campaign_id=move.campaign_id,
    )


async def credit(account: PointsAccount, points: int, *, kind: LedgerKind, expires_at: datetime,
                 move: Movement) -> PointsLedgerEntry:
    """Add points; a debt is settled first, the rest becomes a lot with its own expiry."""
    settled = min(account.debt, points)
    entry = await _entry(account, kind, points, points - settled, -settled, move)
    if kind is LedgerKind.EARN:
        account.lifetime_earned += points
    if points - settled > 0:
        await PointsLot.create(
            brand_id=account.brand_id, member_id=account.member_id, entry=entry,
            purchase_id=move.purchase_id, earned=points - settled, remaining=points - settled,
            earned_at=move.occurred_at, expires_at=expires_at,
        )
    await account.save(update_fields=["balance", "debt", "lifetime_earned"])
    return entry


async def debit(account: PointsAccount, points: int, *, kind: LedgerKind, move: Movement, now: datetime,
                allow_debt: bool = False, purchase_first: int | None = None) -> PointsLedgerEntry:
    """Take points from the soonest-expiring lots (a refunded purchase's own lots first).

    Without `allow_debt`, more than the balance is INSUFFICIENT_POINTS; with it (refunds), what
    the balance cannot cover becomes a debt that future earnings settle."""
    await expire_account(account, now=now, actor=move.actor)
    if points > account.balance and not allow_debt:
        raise DomainError(PointsErrorCode.INSUFFICIENT_POINTS, "Not enough points.", "points")
    taken = min(points, account.balance)
    lots = await PointsLot.filter(member_id=account.member_id, remaining__gt=0).order_by(
        "expires_at", "id").select_for_update()
    if purchase_first is not None:
        lots.sort(key=lambda lot: lot.purchase_id != purchase_first)  # stable: own lots first
    still, uses = taken, []
    for lot in lots:
        if still == 0:
            break
        used = min(lot.remaining, still)
        lot.remaining -= used
        still -= used
        uses.append((lot, used))
        await lot.save(update_fields=["remaining"])
    entry = await _entry(account, kind, points, -taken, points - taken, move)
    await PointsLotUse.bulk_create([PointsLotUse(entry=entry, lot=lot, points=used) for lot, used in uses])
    await account.save(update_fields=["balance", "debt"])
    return entry


async def return_to_lots(account: PointsAccount, spent: PointsLedgerEntry, *, move: Movement) -> PointsLedgerEntry:
    """Give back what `spent` took, to the very lots it took from, so they keep their original
    expiry dates (a lot that has expired meanwhile expires again at the next look)."""
    uses = await PointsLotUse.filter(entry_id=spent.id).select_related("lot")
    total = 0
    for use in uses:
        lot = await PointsLot.filter(id=use.lot_id).select_for_update().first()
        lot.remaining += use.points
        total += use.points
        await lot.save(update_fields=["remaining"])
    entry = await _entry(account, LedgerKind.RETURN, total, total, 0, move)
    await account.save(update_fields=["balance", "debt"])
    return entry


async def expire_account(account: PointsAccount, *, now: datetime, actor: str) -> int:
    """Expire this locked account's lots that are due; safe to repeat (a lot expires once)."""
    now = now.astimezone(UTC)  # SQLite compares datetimes as text: bind UTC, as stored
    due = await PointsLot.filter(
        member_id=account.member_id, remaining__gt=0, expires_at__lte=now
    ).select_for_update()
    if not due:
        return 0
    total = sum(lot.remaining for lot in due)
    for lot in due:
        lot.remaining = 0
        await lot.save(update_fields=["remaining"])
    await _entry(account, LedgerKind.EXPIRE, total, -total, 0,
                 Movement(actor=actor, occurred_at=now, reason="points expired"))
    await account.save(update_fields=["balance", "debt"])
    return total
