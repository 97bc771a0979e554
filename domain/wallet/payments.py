"""Paying with the wallet at a store, once per (brand, order id), and refunding such a payment
to the very buckets and grants it took from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError

from domain import events
from domain.wallet import ledger
from domain.wallet.common import brand_member, now_utc
from domain.wallet.errors import WalletErrorCode
from domain.wallet.models import Wallet, WalletPayment
from domain.wallet.plans import consumption_rule
from franchise import audit, validation
from franchise.errors import DomainError
from franchise.stores import require_store
from policies import Principal, authorize


@dataclass
class PaymentResult:
    payment: WalletPayment
    principal: int  # the wallet's balances after
    bonus: int
    replayed: bool


def _balances(wallet: Wallet | None) -> tuple[int, int]:
    return (wallet.principal_minor, wallet.bonus_minor) if wallet else (0, 0)


def _replay(existing: WalletPayment, member_id: int, amount_minor: int, wallet: Wallet | None) -> PaymentResult:
    if existing.member_id != member_id or existing.amount_minor != amount_minor:
        raise DomainError(WalletErrorCode.IDEMPOTENCY_CONFLICT,
                          "This order id was paid by another member or amount.", "orderId")
    return PaymentResult(existing, *_balances(wallet), replayed=True)


async def pay_with_wallet(principal: Principal, *, member_id: int, store_id: int, amount, order_id: str,
                          now: datetime | None = None) -> PaymentResult:
    authorize(principal, "wallet", "pay", store_id=store_id)
    store = await require_store(principal, store_id)
    member = await brand_member(principal, member_id)
    order_id = validation.text(order_id, "orderId", max_length=64)
    amount_minor = validation.money_to_minor(amount, "amount", allow_zero=False)
    rule = await consumption_rule(principal.brand_id)
    now = now_utc(now)
    try:
        async with events.atomic():
            wallet = await ledger.lock_wallet(principal.brand_id, member.id, create=False)
            existing = await WalletPayment.filter(brand_id=principal.brand_id, order_id=order_id).first()
            if existing is not None:
                return _replay(existing, member.id, amount_minor, wallet)
            if wallet is None:
                raise DomainError(WalletErrorCode.INSUFFICIENT_BALANCE, "The wallet is empty.", "amount")
            entry, from_principal, from_bonus = await ledger.spend(
                wallet, amount_minor, rule=rule, store_id=store.id, now=now,
                move=ledger.Movement(actor=audit.actor_of(principal), occurred_at=now, store_id=store.id,
                                     order_id=order_id, reason=f"wallet paid order {order_id}",
                                     idempotency_key=f"pay:{order_id}"),
            )
            payment = await WalletPayment.create(
                brand_id=principal.brand_id, member_id=member.id, store_id=store.id, order_id=order_id,
                amount_minor=amount_minor, principal_minor=from_principal, bonus_minor=from_bonus, entry=entry,
            )
            return PaymentResult(payment, *_balances(wallet), replayed=False)
    except IntegrityError:
        # The same order for another member's wallet committed first.
        existing = await WalletPayment.filter(brand_id=principal.brand_id, order_id=order_id).first()
        if existing is None:
            raise
        return _replay(existing, member.id, amount_minor, await Wallet.filter(member_id=existing.member_id).first())


async def refund_wallet_payment(principal: Principal, *, order_id: str, now: datetime | None = None) -> PaymentResult:
    """The order is refunded: what it took goes back to the same grants (principal to principal,
    bonus to the bonus grants with their stores and dates). A replay refunds nothing twice."""
    order_id = validation.text(order_id, "orderId", max_length=64)
    found = await WalletPayment.filter(brand_id=principal.brand_id, order_id=order_id).first()
    authorize(principal, "wallet", "refund_payment", store_id=found.store_id if found else None)
    if found is None:
        raise DomainError(WalletErrorCode.PAYMENT_NOT_FOUND, "No wallet payment for this order.", "orderId")
    now = now_utc(now)
    async with events.atomic():
        wallet = await ledger.lock_wallet(principal.brand_id, found.member_id)
        payment = await WalletPayment.filter(id=found.id).select_for_update().first()
        if payment.refunded_at is not None:
            return PaymentResult(payment, *_balances(wallet), replayed=True)
        await ledger.restore(wallet, await payment.entry, move=ledger.Movement(
            actor=audit.actor_of(principal), occurred_at=now, store_id=payment.store_id, order_id=order_id,
            reason=f"refund of wallet paid order {order_id}", idempotency_key=f"pay-refund:{order_id}"))
        payment.refunded_at = now
        await payment.save(update_fields=["refunded_at"])
        return PaymentResult(payment, *_balances(wallet), replayed=False)
