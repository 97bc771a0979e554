"""Paying with a STORED_VALUE card at a usable store, once per order id, and refunding it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.giftcards import ledger
from domain.giftcards.errors import GiftCardErrorCode
from domain.giftcards.lookup import card_of
from domain.giftcards.models import (
    GiftCard,
    GiftCardKind,
    GiftCardLedgerEntry,
    GiftCardLedgerKind,
    GiftCardState,
    GiftCardTemplate,
)
from domain.giftcards.templates import usable_at
from domain.runtime import Runtime
from franchise import audit, validation
from franchise.errors import DomainError
from franchise.stores import require_store
from policies import Principal, authorize


@dataclass
class CardMovement:
    card: GiftCard
    entry: GiftCardLedgerEntry
    replayed: bool


async def check_store(card: GiftCard, store_id: int) -> GiftCardTemplate:
    template = await GiftCardTemplate.get(id=card.template_id)
    if not usable_at(template, store_id):
        raise DomainError(GiftCardErrorCode.STORE_NOT_USABLE, "This gift card is not usable at this store.",
                          "storeId")
    return template


async def replay(brand_id: int, key: str, card_id: int, *, amount: int | None = None,
                 field: str = "orderId") -> CardMovement | None:
    """The first result of an idempotency key, or None; the key naming another card or amount
    is a conflict."""
    entry = await GiftCardLedgerEntry.filter(brand_id=brand_id, idempotency_key=key).first()
    if entry is None:
        return None
    if entry.card_id != card_id or (amount is not None and -entry.amount_delta != amount):
        raise DomainError(GiftCardErrorCode.IDEMPOTENCY_CONFLICT, "This key was used for another card or amount.",
                          field)
    return CardMovement(await GiftCard.get(id=entry.card_id), entry, replayed=True)


async def pay_with_gift_card(runtime: Runtime, principal: Principal, *, store_id: int, amount, order_id: str,
                             code: str | None = None, card_id: int | None = None,
                             now: datetime | None = None) -> CardMovement:
    """Take `amount` off the card's balance; concurrent payments never overdraw (row lock)."""
    authorize(principal, "giftcard", "pay", store_id=store_id)
    store = await require_store(principal, store_id)
    order_id = validation.text(order_id, "orderId", max_length=64)
    minor = validation.money_to_minor(amount, "amount", allow_zero=False)
    found = await card_of(runtime, principal, code=code, card_id=card_id)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    key = f"pay:{order_id}"
    try:
        async with in_transaction():
            card = await ledger.lock_card(principal.brand_id, found.id)
            if (done := await replay(principal.brand_id, key, card.id, amount=minor)) is not None:
                return done
            if card.kind is not GiftCardKind.STORED_VALUE:
                raise DomainError(GiftCardErrorCode.WRONG_CARD_KIND, "Only a stored-value card pays.", "code")
            await check_store(card, store.id)
            ledger.check_usable(card, now)
            if card.balance_minor < minor:
                raise DomainError(GiftCardErrorCode.INSUFFICIENT_BALANCE, "The card's balance is too low.",
                                  "amount")
            entry = await ledger.move(card, GiftCardLedgerKind.PAY, ledger.Movement(
                actor=audit.actor_of(principal), occurred_at=now, store_id=store.id, member_id=card.member_id,
                order_id=order_id, idempotency_key=key, reason=f"paid order {order_id}"), amount=-minor)
            await ledger.finish(card)
            return CardMovement(card, entry, replayed=False)
    except IntegrityError:
        done = await replay(principal.brand_id, key, found.id, amount=minor)
        if done is None:
            raise
        return done


async def refund_gift_card_payment(principal: Principal, *, order_id: str,
                                   now: datetime | None = None) -> CardMovement:
    """The order is refunded: its amount goes back on the card (once). A card that has expired
    or was voided meanwhile takes nothing back: refund that order another way."""
    order_id = validation.text(order_id, "orderId", max_length=64)
    paid = await GiftCardLedgerEntry.filter(brand_id=principal.brand_id, idempotency_key=f"pay:{order_id}").first()
    authorize(principal, "giftcard", "refund_pay", store_id=paid.store_id if paid else None)
    if paid is None:
        raise DomainError(GiftCardErrorCode.PAYMENT_NOT_FOUND, "No gift-card payment for this order.", "orderId")
    now = (now or datetime.now(UTC)).astimezone(UTC)
    key = f"refund:{order_id}"
    try:
        async with in_transaction():
            card = await ledger.lock_card(principal.brand_id, paid.card_id)
            if (done := await replay(principal.brand_id, key, card.id)) is not None:
                return done
            if card.state is GiftCardState.USED_UP:
                card.state = GiftCardState.CLAIMED if card.member_id else GiftCardState.ACTIVE
            ledger.check_usable(card, now)
            entry = await ledger.move(card, GiftCardLedgerKind.PAY_REFUND, ledger.Movement(
                actor=audit.actor_of(principal), occurred_at=now, store_id=paid.store_id, member_id=card.member_id,
                order_id=order_id, idempotency_key=key, reason=f"refund of order {order_id}"),
                amount=-paid.amount_delta)
            await ledger.finish(card)
            return CardMovement(card, entry, replayed=False)
    except IntegrityError:
        done = await replay(principal.brand_id, key, paid.card_id)
        if done is None:
            raise
        return done
