"""Batches of cards from a template. The codes are returned once, here, and never again: the
database keeps only their keyed hash and last four characters."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from domain.giftcards import codes, ledger
from domain.giftcards.errors import GiftCardErrorCode
from domain.giftcards.ledger import Movement
from domain.giftcards.models import (
    GiftCard,
    GiftCardKind,
    GiftCardLedgerEntry,
    GiftCardLedgerKind,
    GiftCardState,
    GiftCardTemplate,
)
from franchise import audit, validation
from franchise.errors import DomainError
from policies import Principal, authorize

MAX_BATCH = 1000


@dataclass
class IssuedCard:
    card: GiftCard
    code: str  # formatted for reading; shown once


def opening(template: GiftCardTemplate) -> tuple[int, int]:
    """(balance, uses) a new card of this template starts with."""
    if template.kind is GiftCardKind.STORED_VALUE:
        return template.face_value_minor or 0, 0
    return 0, template.uses or 1


def new_card(template: GiftCardTemplate, secret_key: str, *, batch: str, state: GiftCardState,
             bought_by_id: int | None = None) -> tuple[GiftCard, str]:
    code = codes.new_code()
    normalised = codes.normalise(code)
    balance, uses = opening(template)
    card = GiftCard(
        brand_id=template.brand_id, template_id=template.id, batch=batch, kind=template.kind, state=state,
        code_hash=codes.code_hash(secret_key, normalised), code_hint=codes.hint(normalised),
        balance_minor=balance, uses_left=uses, bought_by_id=bought_by_id,
        valid_from=template.valid_from, valid_until=template.valid_until,
    )
    return card, code


def issue_entry(card: GiftCard, move: Movement) -> GiftCardLedgerEntry:
    return GiftCardLedgerEntry(
        brand_id=card.brand_id, card_id=card.id, kind=GiftCardLedgerKind.ISSUE, amount_delta=card.balance_minor,
        uses_delta=card.uses_left, balance_after=card.balance_minor, uses_after=card.uses_left,
        store_id=None, member_id=move.member_id, actor=move.actor, reason=move.reason,
        idempotency_key=move.idempotency_key, occurred_at=move.occurred_at,
    )


async def live_template(principal: Principal, template_id: int) -> GiftCardTemplate:
    template = await GiftCardTemplate.filter(id=template_id, brand_id=principal.brand_id).first()
    if template is None:
        raise DomainError(GiftCardErrorCode.TEMPLATE_NOT_FOUND, "No such template.", "templateId")
    if not template.active:
        raise DomainError(GiftCardErrorCode.TEMPLATE_INACTIVE, "This template is deactivated.", "templateId")
    return template


async def issue_gift_cards(principal: Principal, *, secret_key: str, template_id: int, count: int,
                           activate: bool = True, now: datetime | None = None) -> list[IssuedCard]:
    """A batch of `count` cards, ACTIVE (or ISSUED, to activate when sold), each with an ISSUE
    ledger entry of its face value or uses."""
    authorize(principal, "giftcard", "issue")
    validation.bounded_int(count, "count", low=1, high=MAX_BATCH)
    template = await live_template(principal, template_id)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    if template.valid_until is not None and template.valid_until <= now:
        raise DomainError(GiftCardErrorCode.INVALID_TEMPLATE, "This template's cards have already expired.",
                          "templateId")
    batch = secrets.token_hex(8)
    state = GiftCardState.ACTIVE if activate else GiftCardState.ISSUED
    made = [new_card(template, secret_key, batch=batch, state=state) for _ in range(count)]
    move = Movement(actor=audit.actor_of(principal), occurred_at=now, reason=f"issued in batch {batch}")
    async with in_transaction():
        await GiftCard.bulk_create([card for card, _ in made])
        # bulk_create gives no ids back on every database: read them by their unique hash
        ids = dict(await GiftCard.filter(batch=batch).values_list("code_hash", "id"))
        for card, _ in made:
            card.id = ids[card.code_hash]
            card._saved_in_db = True
        await GiftCardLedgerEntry.bulk_create([issue_entry(card, move) for card, _ in made])
        await audit.record(principal, brand_id=principal.brand_id, action="giftcard.issue",
                           object_type="GiftCardTemplate", object_id=template.id,
                           changes={"batch": [None, batch], "count": [None, count],
                                    "state": [None, state.value]})
    return [IssuedCard(card, code) for card, code in made]


async def activate_gift_card(principal: Principal, *, card_id: int, now: datetime | None = None) -> GiftCard:
    """An ISSUED card (printed, then sold at a counter) becomes ACTIVE: claimable and usable."""
    authorize(principal, "giftcard", "activate")
    now = now or datetime.now(UTC)
    async with in_transaction():
        card = await ledger.lock_card(principal.brand_id, card_id)
        if card.state is not GiftCardState.ISSUED:
            raise DomainError(GiftCardErrorCode.CARD_NOT_ACTIVE, "Only an issued card is activated.", "cardId")
        card.state = GiftCardState.ACTIVE
        await ledger.move(card, GiftCardLedgerKind.ACTIVATE, Movement(actor=audit.actor_of(principal),
                                                                      occurred_at=now, reason="activated"))
        await ledger.finish(card)
    return card
