"""The only code that moves a card's balance or uses. Callers hold a transaction:

    async with in_transaction():
        card = await lock_card(brand_id, card_id)
        await move(card, kind, ...)

so that balance = sum(ledger.amount_delta) >= 0 and uses_left = sum(ledger.uses_delta) >= 0
hold after every commit, whatever runs at the same time (on SQLite writers are serialised and
`select_for_update` is a no-op; on PostgreSQL it takes the card's row lock)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from domain.giftcards.errors import GiftCardErrorCode
from domain.giftcards.models import GiftCard, GiftCardLedgerEntry, GiftCardLedgerKind, GiftCardState
from franchise.errors import DomainError


@dataclass
class Movement:
    """Who, where and why, recorded on every ledger row."""

    actor: str
    occurred_at: datetime
    store_id: int | None = None
    member_id: int | None = None
    item_sku: str | None = None
    order_id: str | None = None
    reason: str = ""
    idempotency_key: str | None = None


async def lock_card(brand_id: int, card_id: int) -> GiftCard:
    card = await GiftCard.filter(id=card_id, brand_id=brand_id).select_for_update().first()
    if card is None:
        raise DomainError(GiftCardErrorCode.CARD_NOT_FOUND, "No such gift card.", "cardId")
    return card


async def move(card: GiftCard, kind: GiftCardLedgerKind, move: Movement, *, amount: int = 0,
               uses: int = 0) -> GiftCardLedgerEntry:
    """Append one ledger row and apply it to the locked card (saved by the caller's `save`)."""
    card.balance_minor += amount
    card.uses_left += uses
    if card.balance_minor < 0 or card.uses_left < 0:
        raise AssertionError("a gift-card movement would make a balance negative")
    entry = await GiftCardLedgerEntry.create(
        brand_id=card.brand_id, card_id=card.id, kind=kind, amount_delta=amount, uses_delta=uses,
        balance_after=card.balance_minor, uses_after=card.uses_left, store_id=move.store_id,
        member_id=move.member_id, item_sku=move.item_sku, order_id=move.order_id, actor=move.actor,
        reason=move.reason, idempotency_key=move.idempotency_key, occurred_at=move.occurred_at,
    )
    return entry


def check_usable(card: GiftCard, now: datetime, *, claimable: bool = False) -> None:
    """Raise unless the card can be used (or claimed) now. A card past its date is expired here,
    before the expiry job has run."""
    now = now.astimezone(UTC)
    match card.state:
        case GiftCardState.VOIDED:
            raise DomainError(GiftCardErrorCode.CARD_VOIDED, "This gift card was voided.", "code")
        case GiftCardState.EXPIRED:
            raise DomainError(GiftCardErrorCode.CARD_EXPIRED, "This gift card has expired.", "code")
        case GiftCardState.USED_UP:
            raise DomainError(GiftCardErrorCode.CARD_USED_UP, "This gift card is used up.", "code")
        case GiftCardState.ISSUED:
            raise DomainError(GiftCardErrorCode.CARD_NOT_ACTIVE, "This gift card is not activated yet.", "code")
        case GiftCardState.CLAIMED if claimable:
            raise DomainError(GiftCardErrorCode.ALREADY_CLAIMED, "This gift card has been claimed.", "code")
    if card.valid_until is not None and now >= card.valid_until:
        raise DomainError(GiftCardErrorCode.CARD_EXPIRED, "This gift card has expired.", "code")
    if card.valid_from is not None and now < card.valid_from:
        raise DomainError(GiftCardErrorCode.CARD_NOT_YET_VALID, "This gift card is not valid yet.", "code")


async def finish(card: GiftCard) -> None:
    """Save the card after its movements; nothing left makes it USED_UP."""
    if card.state in (GiftCardState.ACTIVE, GiftCardState.CLAIMED) and card.balance_minor == 0 \
            and card.uses_left == 0 and card.benefit_until is None:
        card.state = GiftCardState.USED_UP
    await card.save(update_fields=["balance_minor", "uses_left", "state", "member_id", "valid_until",
                                   "claimed_at", "benefit_until", "code_hash", "code_hint", "updated_at"])
