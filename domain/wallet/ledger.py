"""The only code that moves wallet money. Callers hold a transaction and the locked wallet:

    async with events.atomic():  # in_transaction() that publishes balance changes after commit
        wallet = await lock_wallet(brand_id, member_id)
        await grant(...) / await spend(...) / await restore(...) / await drain(...)

Each movement writes one ledger entry and one line per grant it touched, so that after every
commit principal = sum(entries.principal_delta) = sum(lines) = sum(principal grants remaining),
and the same for bonus, all ≥ 0.

Spending splits an amount between principal and the bonus usable at the store by the brand's
rule (see `split`), then takes principal from the oldest top-ups first and bonus from the
soonest-expiring grants first (grants that never expire last)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain import events, metrics
from domain.wallet.errors import WalletErrorCode
from domain.wallet.models import Bucket, ConsumptionRule, Wallet, WalletGrant, WalletLedgerEntry, WalletLedgerKind, \
    WalletLedgerLine
from franchise.errors import DomainError


@dataclass
class Movement:
    """Who, where and why, recorded on every ledger row."""

    actor: str
    occurred_at: datetime
    store_id: int | None = None
    order_id: str | None = None
    reason: str = ""
    idempotency_key: str | None = None


async def lock_wallet(brand_id: int, member_id: int, *, create: bool = True) -> Wallet | None:
    """The member's wallet, locked until the transaction ends (created on first use)."""
    wallet = await Wallet.filter(member_id=member_id).select_for_update().first()
    if wallet is None and create:
        try:
            async with in_transaction():  # a savepoint: a concurrent creator may win
                await Wallet.create(brand_id=brand_id, member_id=member_id)
        except IntegrityError:
            pass
        wallet = await Wallet.filter(member_id=member_id).select_for_update().first()
    return wallet


async def _entry(wallet: Wallet, kind: WalletLedgerKind, moves: list[tuple[WalletGrant, int]],
                 move: Movement) -> WalletLedgerEntry:
    """One ledger entry for these grant movements (grant, signed amount), the lines, the
    grants' remainders and the wallet's balances."""
    principal = sum(amount for grant, amount in moves if grant.bucket is Bucket.PRINCIPAL)
    bonus = sum(amount for grant, amount in moves if grant.bucket is Bucket.BONUS)
    wallet.principal_minor += principal
    wallet.bonus_minor += bonus
    if wallet.principal_minor < 0 or wallet.bonus_minor < 0:
        raise AssertionError("a wallet movement would make a balance negative")
    metrics.count("ledger_writes", ledger="wallet", kind=kind.value)
    if principal or bonus:
        events.record(events.BalanceChanged(
            account="wallet", brand_id=wallet.brand_id, member_id=wallet.member_id,
            balance=wallet.principal_minor + wallet.bonus_minor, delta=principal + bonus, kind=kind.value,
            occurred_at=move.occurred_at,
        ))
    entry = await WalletLedgerEntry.create(
        brand_id=wallet.brand_id, member_id=wallet.member_id, kind=kind, principal_delta=principal,
        bonus_delta=bonus, principal_after=wallet.principal_minor, bonus_after=wallet.bonus_minor,
        store_id=move.store_id, order_id=move.order_id, actor=move.actor, reason=move.reason,
        idempotency_key=move.idempotency_key, occurred_at=move.occurred_at,
    )
    lines = []
    for grant, amount in moves:
        grant.remaining += amount
        if not 0 <= grant.remaining <= grant.amount:
            raise AssertionError("a grant's remainder left its bounds")
        if grant.id is None:  # a new grant, created by this entry
            grant.entry_id = entry.id
            await grant.save()
        else:
            await grant.save(update_fields=["remaining"])
        lines.append(WalletLedgerLine(brand_id=wallet.brand_id, member_id=wallet.member_id, entry_id=entry.id,
                                      grant_id=grant.id, bucket=grant.bucket, origin_store_id=grant.origin_store_id,
                                      amount=amount))
    await WalletLedgerLine.bulk_create(lines)
    await wallet.save(update_fields=["principal_minor", "bonus_minor", "updated_at"])
    return entry


async def grant(wallet: Wallet, bucket: Bucket, amount: int, *, origin_store_id: int, move: Movement,
                kind: WalletLedgerKind, usable_store_ids: list[int] | None = None,
                expires_at: datetime | None = None) -> tuple[WalletLedgerEntry, WalletGrant]:
    """Credit a new grant (a top-up's principal, or a plan's bonus)."""
    new = WalletGrant(brand_id=wallet.brand_id, member_id=wallet.member_id, bucket=bucket,
                      origin_store_id=origin_store_id, usable_store_ids=usable_store_ids, amount=amount,
                      remaining=0, granted_at=move.occurred_at,
                      expires_at=expires_at.astimezone(UTC) if expires_at else None)
    entry = await _entry(wallet, kind, [(new, amount)], move)  # saves the grant, full
    return entry, new


def usable_at(grant_row: WalletGrant, store_id: int, now: datetime) -> bool:
    if grant_row.expires_at is not None and grant_row.expires_at <= now:
        return False
    return grant_row.usable_store_ids is None or store_id in grant_row.usable_store_ids


def _spending_order(grants: list[WalletGrant], bucket: Bucket) -> list[WalletGrant]:
    """Oldest principal first; bonus by the soonest expiry, never-expiring last, then oldest."""
    rows = sorted((g for g in grants if g.bucket is bucket and g.remaining > 0), key=lambda g: g.id)
    if bucket is Bucket.BONUS:
        rows.sort(key=lambda g: (g.expires_at is None, g.expires_at or datetime.max.replace(tzinfo=UTC), g.id))
    return rows


async def open_grants(member_id: int, bucket: Bucket) -> list[WalletGrant]:
    """Grants of a bucket with something left, in spending order."""
    return _spending_order(await WalletGrant.filter(member_id=member_id, bucket=bucket, remaining__gt=0), bucket)


def split(rule: ConsumptionRule, amount: int, principal: int, bonus: int) -> tuple[int, int]:
    """(principal part, bonus part) of `amount` from `principal` and the usable `bonus`.

    PROPORTIONAL: the bonus part is amount × bonus / (principal + bonus) rounded down to the fen,
    the principal part the rest (so rounded up); it never exceeds either balance.
    PRINCIPAL_FIRST / BONUS_FIRST: one bucket as far as it goes, the other for the rest."""
    if amount > principal + bonus:
        raise DomainError(WalletErrorCode.INSUFFICIENT_BALANCE, "Not enough in the wallet for this store.", "amount")
    if rule is ConsumptionRule.PRINCIPAL_FIRST:
        from_principal = min(principal, amount)
        return from_principal, amount - from_principal
    if rule is ConsumptionRule.BONUS_FIRST:
        from_bonus = min(bonus, amount)
        return amount - from_bonus, from_bonus
    from_bonus = amount * bonus // (principal + bonus)
    return amount - from_bonus, from_bonus


def _take(grants: list[WalletGrant], amount: int) -> list[tuple[WalletGrant, int]]:
    moves, still = [], amount
    for row in grants:
        if still == 0:
            break
        used = min(row.remaining, still)
        still -= used
        moves.append((row, -used))
    return moves


async def spend(wallet: Wallet, amount: int, *, rule: ConsumptionRule, store_id: int, now: datetime,
                move: Movement) -> tuple[WalletLedgerEntry, int, int]:
    """Pay `amount` at `store_id`; returns the entry and the principal and bonus parts. Due bonus
    is expired first, so a spend never uses an expired grant even before the job runs. One read
    of the wallet's open grants serves the expiry and the spend."""
    now = now.astimezone(UTC)
    grants = await WalletGrant.filter(member_id=wallet.member_id, remaining__gt=0)
    due = [g for g in grants if g.bucket is Bucket.BONUS and g.expires_at is not None and g.expires_at <= now]
    if due:
        await drain(wallet, Bucket.BONUS, WalletLedgerKind.BONUS_EXPIRE,
                    Movement(actor=move.actor, occurred_at=now, reason="bonus expired"), only=due)
    principal_grants = _spending_order(grants, Bucket.PRINCIPAL)
    bonus_grants = [g for g in _spending_order(grants, Bucket.BONUS) if usable_at(g, store_id, now)]
    usable_bonus = sum(g.remaining for g in bonus_grants)
    from_principal, from_bonus = split(rule, amount, wallet.principal_minor, usable_bonus)
    moves = _take(principal_grants, from_principal) + _take(bonus_grants, from_bonus)
    entry = await _entry(wallet, WalletLedgerKind.PAY, moves, move)
    return entry, from_principal, from_bonus


async def restore(wallet: Wallet, spent: WalletLedgerEntry, *, move: Movement) -> WalletLedgerEntry:
    """Give back what `spent` took, to the very grants it took from (they keep their dates;
    a grant that has expired meanwhile expires again at the next look)."""
    lines = await WalletLedgerLine.filter(entry_id=spent.id).order_by("id")
    grants = {g.id: g for g in await WalletGrant.filter(id__in=[line.grant_id for line in lines])}
    moves = [(grants[line.grant_id], -line.amount) for line in lines]
    return await _entry(wallet, WalletLedgerKind.PAY_REFUND, moves, move)


async def drain(wallet: Wallet, bucket: Bucket, kind: WalletLedgerKind, move: Movement,
                only: list[WalletGrant] | None = None) -> WalletLedgerEntry | None:
    """Empty every open grant of a bucket (or just `only`): a balance refund, a forfeit, an expiry."""
    grants = only if only is not None else await open_grants(wallet.member_id, bucket)
    moves = [(g, -g.remaining) for g in grants if g.remaining > 0]
    if not moves:
        return None
    return await _entry(wallet, kind, moves, move)


async def expire_wallet(wallet: Wallet, *, now: datetime, actor: str) -> int:
    """Expire this locked wallet's bonus grants that are due; safe to repeat."""
    now = now.astimezone(UTC)  # SQLite compares datetimes as text: bind UTC, as stored
    due = await WalletGrant.filter(member_id=wallet.member_id, bucket=Bucket.BONUS, remaining__gt=0,
                                   expires_at__lte=now)
    if not due:
        return 0
    total = sum(g.remaining for g in due)
    await drain(wallet, Bucket.BONUS, WalletLedgerKind.BONUS_EXPIRE,
                Movement(actor=actor, occurred_at=now, reason="bonus expired"), only=due)
    return total


async def take_from(wallet: Wallet, grant_row: WalletGrant, amount: int, *, move: Movement) -> WalletLedgerEntry:
    """Pay from one given grant (the free part of a 储值免单 top-up, spent on its bill at once)."""
    return await _entry(wallet, WalletLedgerKind.PAY, [(grant_row, -amount)], move)
