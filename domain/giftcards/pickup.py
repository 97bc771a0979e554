"""Redeeming PICKUP (one of N uses of its item) and EXCHANGE (one listed item, once) cards at
a usable store, once per idempotency key. Two clerks at once: the card's row lock serialises
them, so a last use is redeemed once and the other clerk gets CARD_USED_UP."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.giftcards import ledger
from domain.giftcards.errors import GiftCardErrorCode
from domain.giftcards.lookup import card_of
from domain.giftcards.models import GiftCardKind, GiftCardLedgerKind, GiftCardTemplate
from domain.giftcards.payments import CardMovement, check_store, replay
from domain.runtime import Runtime
from franchise import audit, validation
from franchise.errors import DomainError
from franchise.stores import require_store
from policies import Principal, authorize


def _item(template: GiftCardTemplate, item_sku: str | None) -> tuple[GiftCardLedgerKind, str, str]:
    """(ledger kind, sku, name) of what this redemption hands over."""
    if template.kind is GiftCardKind.PICKUP:
        if item_sku is not None and item_sku != template.item_sku:
            raise DomainError(GiftCardErrorCode.ITEM_NOT_ON_CARD, "This card picks up another item.", "itemSku")
        return GiftCardLedgerKind.PICKUP, template.item_sku, template.item_name
    listed = {item["sku"]: item["name"] for item in template.items or []}
    if item_sku not in listed:
        raise DomainError(GiftCardErrorCode.ITEM_NOT_ON_CARD, "Choose one of the card's items.", "itemSku")
    return GiftCardLedgerKind.EXCHANGE, item_sku, listed[item_sku]


async def redeem_pickup_card(runtime: Runtime, principal: Principal, *, store_id: int, idempotency_key: str,
                             code: str | None = None, card_id: int | None = None, item_sku: str | None = None,
                             now: datetime | None = None) -> CardMovement:
    authorize(principal, "giftcard", "redeem", store_id=store_id)
    store = await require_store(principal, store_id)
    key = "pickup:" + validation.text(idempotency_key, "idempotencyKey", max_length=128)
    item_sku = validation.text(item_sku, "itemSku", max_length=64, required=False)
    found = await card_of(runtime, principal, code=code, card_id=card_id)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    try:
        async with in_transaction():
            card = await ledger.lock_card(principal.brand_id, found.id)
            if (done := await replay(principal.brand_id, key, card.id, field="idempotencyKey")) is not None:
                return done
            if card.kind not in (GiftCardKind.PICKUP, GiftCardKind.EXCHANGE):
                raise DomainError(GiftCardErrorCode.WRONG_CARD_KIND, "Only pickup and exchange cards redeem items.",
                                  "code")
            template = await check_store(card, store.id)
            ledger.check_usable(card, now)
            kind, sku, name = _item(template, item_sku)
            if card.uses_left < 1:
                raise DomainError(GiftCardErrorCode.CARD_USED_UP, "This gift card is used up.", "code")
            entry = await ledger.move(card, kind, ledger.Movement(
                actor=audit.actor_of(principal), occurred_at=now, store_id=store.id, member_id=card.member_id,
                item_sku=sku, idempotency_key=key, reason=f"handed over {name}"), uses=-1)
            await ledger.finish(card)
            return CardMovement(card, entry, replayed=False)
    except IntegrityError:
        done = await replay(principal.brand_id, key, found.id, field="idempotencyKey")
        if done is None:
            raise
        return done
