"""安心退款: the member leaves with what it paid and has not spent; the bonus is forfeited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


from domain import events
from domain.wallet import ledger
from domain.wallet.common import brand_member, now_utc
from domain.wallet.errors import WalletErrorCode
from domain.wallet.models import Bucket, WalletLedgerEntry, WalletLedgerKind
from franchise import audit, validation
from franchise.errors import DomainError
from franchise.stores import require_store
from policies import Principal, authorize


@dataclass
class BalanceRefund:
    principal_refunded: int
    bonus_forfeited: int
    replayed: bool


async def refund_wallet_balance(principal: Principal, *, member_id: int, store_id: int, refund_id: str,
                                reason: str, now: datetime | None = None) -> BalanceRefund:
    """Pay back the remaining principal (a BALANCE_REFUND entry) and forfeit the remaining bonus
    (a BONUS_FORFEIT entry), at the store that pays the money out; once per refund id."""
    authorize(principal, "wallet", "refund_balance", store_id=store_id)
    store = await require_store(principal, store_id)
    member = await brand_member(principal, member_id)
    refund_id = validation.text(refund_id, "refundId", max_length=64)
    reason = validation.text(reason, "reason", max_length=150)
    now = now_utc(now)
    keys = (f"balance-refund:{refund_id}", f"bonus-forfeit:{refund_id}")
    async with events.atomic():
        wallet = await ledger.lock_wallet(principal.brand_id, member.id)
        done = await WalletLedgerEntry.filter(brand_id=principal.brand_id, idempotency_key__in=keys)
        if done:
            if any(entry.member_id != member.id for entry in done):
                raise DomainError(WalletErrorCode.IDEMPOTENCY_CONFLICT, "This refund id was used for another member.",
                                  "refundId")
            by_kind = {entry.kind: entry for entry in done}
            refunded = by_kind.get(WalletLedgerKind.BALANCE_REFUND)
            forfeited = by_kind.get(WalletLedgerKind.BONUS_FORFEIT)
            return BalanceRefund(-refunded.principal_delta if refunded else 0,
                                 -forfeited.bonus_delta if forfeited else 0, replayed=True)
        await ledger.expire_wallet(wallet, now=now, actor=audit.actor_of(principal))
        if wallet.principal_minor == 0 and wallet.bonus_minor == 0:
            raise DomainError(WalletErrorCode.WALLET_EMPTY, "The wallet holds nothing to refund.", "memberId")
        actor = audit.actor_of(principal)
        paid_back = await ledger.drain(wallet, Bucket.PRINCIPAL, WalletLedgerKind.BALANCE_REFUND, ledger.Movement(
            actor=actor, occurred_at=now, store_id=store.id, reason=f"balance refund {refund_id}: {reason}",
            idempotency_key=keys[0]))
        forfeit = await ledger.drain(wallet, Bucket.BONUS, WalletLedgerKind.BONUS_FORFEIT, ledger.Movement(
            actor=actor, occurred_at=now, store_id=store.id, reason=f"bonus forfeited by balance refund {refund_id}",
            idempotency_key=keys[1]))
        return BalanceRefund(-paid_back.principal_delta if paid_back else 0,
                             -forfeit.bonus_delta if forfeit else 0, replayed=False)
