"""Cards that end before they are used up: expired by the daily job, or voided by HQ.

Expiry is safe to run twice or in two processes: each card is locked and read again under the
lock, so it expires once. Using a card past its date fails even before the job has run
(ledger.check_usable compares the date)."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from domain.giftcards import ledger
from domain.giftcards.errors import GiftCardErrorCode
from domain.giftcards.models import LIVE_STATES, GiftCard, GiftCardLedgerKind, GiftCardState
from franchise import audit, validation
from franchise.errors import DomainError
from policies import Principal, authorize

JOB_ACTOR = "job:expire-gift-cards"


async def _end(card: GiftCard, kind: GiftCardLedgerKind, state: GiftCardState, move: ledger.Movement) -> None:
    await ledger.move(card, kind, move, amount=-card.balance_minor, uses=-card.uses_left)
    card.state = state
    await ledger.finish(card)


async def expire_due_cards(now: datetime, *, brand_id: int | None = None) -> int:
    """Expire every live card whose validity ended by `now`; returns how many expired. What was
    left on each leaves with an EXPIRE ledger entry."""
    now = now.astimezone(UTC)  # SQLite compares datetimes as text: bind UTC, as stored
    due = GiftCard.filter(state__in=LIVE_STATES, valid_until__lte=now)
    if brand_id is not None:
        due = due.filter(brand_id=brand_id)
    expired = 0
    for card_brand, card_id in await due.values_list("brand_id", "id"):
        async with in_transaction():
            card = await ledger.lock_card(card_brand, card_id)
            if card.state not in LIVE_STATES or card.valid_until is None or card.valid_until > now:
                continue
            await _end(card, GiftCardLedgerKind.EXPIRE, GiftCardState.EXPIRED,
                       ledger.Movement(actor=JOB_ACTOR, occurred_at=now, member_id=card.member_id,
                                       reason="validity ended"))
            expired += 1
    return expired


async def void_gift_card(principal: Principal, *, card_id: int, reason: str,
                         now: datetime | None = None) -> GiftCard:
    """HQ voids a card nobody has claimed or paid for (a lost batch, a misprint)."""
    authorize(principal, "giftcard", "void")
    reason = validation.text(reason, "reason", max_length=200)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    async with in_transaction():
        card = await ledger.lock_card(principal.brand_id, card_id)
        if card.state not in (GiftCardState.ISSUED, GiftCardState.ACTIVE) or card.member_id is not None:
            raise DomainError(GiftCardErrorCode.CANNOT_VOID, "Only an unclaimed, unused card can be voided.", "cardId")
        if card.bought_by_id is not None:
            raise DomainError(GiftCardErrorCode.CANNOT_VOID, "A member paid for this card.", "cardId")
        await _end(card, GiftCardLedgerKind.VOID, GiftCardState.VOIDED,
                   ledger.Movement(actor=audit.actor_of(principal), occurred_at=now, reason=reason))
        await audit.record(principal, brand_id=principal.brand_id, action="giftcard.void", object_type="GiftCard",
                           object_id=card.id, changes={"state": ["ACTIVE", "VOIDED"], "reason": [None, reason]})
    return card
