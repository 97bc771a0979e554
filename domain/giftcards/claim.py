"""A member claims a card by its code, and passes cards on as gifts: it buys one of a template
on sale for a friend, or sends a claimed card it has not used. Either way the result is a
fresh code for the friend to claim; a card's old code stops working when it is sent on."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.giftcards import codes, ledger
from domain.giftcards.errors import GiftCardErrorCode
from domain.giftcards.issue import issue_entry, live_template, new_card
from domain.giftcards.lookup import card_by_code
from domain.giftcards.models import (
    GiftCard,
    GiftCardKind,
    GiftCardLedgerEntry,
    GiftCardLedgerKind,
    GiftCardState,
    GiftCardTemplate,
)
from domain.runtime import Runtime
from franchise import audit, validation
from franchise.errors import DomainError, FranchiseErrorCode
from policies import NotAuthorized, Principal, PrincipalKind, authorize

USES = (GiftCardLedgerKind.PAY, GiftCardLedgerKind.PICKUP, GiftCardLedgerKind.EXCHANGE, GiftCardLedgerKind.BENEFIT)


@dataclass
class Claim:
    card: GiftCard
    replayed: bool


@dataclass
class Gift:
    card: GiftCard
    code: str | None  # the friend's code, shown once; None on a replayed purchase
    replayed: bool


def _member_only(principal: Principal) -> int:
    if principal.kind is not PrincipalKind.MEMBER or principal.member_id is None:
        raise NotAuthorized()
    return principal.member_id


async def claim_gift_card(runtime: Runtime, principal: Principal, *, code: str,
                          now: datetime | None = None) -> Claim:
    """Bind the card to the member. Two members claiming one code at once: the card's row lock
    lets one through, the other gets ALREADY_CLAIMED. A BENEFIT card's benefit starts now."""
    authorize(principal, "giftcard", "claim")
    member_id = _member_only(principal)
    found = await card_by_code(runtime, principal, code)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    async with in_transaction():
        card = await ledger.lock_card(principal.brand_id, found.id)
        if card.state is GiftCardState.CLAIMED and card.member_id == member_id:
            return Claim(card, replayed=True)
        ledger.check_usable(card, now, claimable=True)
        template = await GiftCardTemplate.get(id=card.template_id)
        await _bind(card, template, member_id, audit.actor_of(principal), now, reason="claimed")
    return Claim(card, replayed=False)


async def _bind(card: GiftCard, template: GiftCardTemplate, member_id: int, actor: str, now: datetime, *,
                reason: str) -> None:
    """The CLAIM (and a BENEFIT card's BENEFIT) movement of a locked or new card, saved."""
    card.state, card.member_id, card.claimed_at = GiftCardState.CLAIMED, member_id, now
    if template.valid_days is not None and card.valid_until is None:
        card.valid_until = now + timedelta(days=template.valid_days)
    await ledger.move(card, GiftCardLedgerKind.CLAIM, ledger.Movement(actor=actor, occurred_at=now,
                                                                      member_id=member_id, reason=reason))
    if card.kind is GiftCardKind.BENEFIT:
        # The tiers domain has no time-limited level: the benefit is recorded on the card
        # with its end date (Member.giftCards shows it; benefits.active_benefits reads it).
        card.benefit_until = now + timedelta(days=template.benefit_days or 0)
        card.valid_until = card.benefit_until
        await ledger.move(card, GiftCardLedgerKind.BENEFIT, ledger.Movement(
            actor=actor, occurred_at=now, member_id=member_id,
            reason=f"benefit until {card.benefit_until.isoformat()}"), uses=-card.uses_left)
    await ledger.finish(card)


async def issue_claimed_card(*, brand_id: int, member_id: int, template_id: int, idempotency_key: str,
                             now: datetime, actor: str, store_id: int | None = None,
                             secret_key: str | None = None) -> GiftCard:
    """A card of the template given to the member already CLAIMED (an ISSUE then a CLAIM row),
    for callers that already authorized (a top-up plan's gift). A claimed card is used by its
    id, so the code is thrown away; without `secret_key` it is hashed with a one-off key, so no
    one can ever look it up. Runs inside the caller's transaction; idempotent on the ISSUE
    row's key (unique per brand): a replay returns the first card."""
    now = now.astimezone(UTC)
    try:
        async with in_transaction():  # a savepoint inside the caller's transaction
            done = await GiftCardLedgerEntry.filter(brand_id=brand_id, idempotency_key=idempotency_key).first()
            if done is not None:
                return await _replayed_gift(done, member_id, template_id)
            template = await GiftCardTemplate.filter(id=template_id, brand_id=brand_id).first()
            if template is None:
                raise DomainError(GiftCardErrorCode.TEMPLATE_NOT_FOUND, "No such template.", "templateId")
            if not template.active:
                raise DomainError(GiftCardErrorCode.TEMPLATE_INACTIVE, "This template is deactivated.", "templateId")
            if template.valid_until is not None and template.valid_until <= now:
                raise DomainError(GiftCardErrorCode.CARD_EXPIRED, "This template's cards have expired.", "templateId")
            card, _ = new_card(template, secret_key or secrets.token_hex(32), batch=f"gift-{member_id}",
                               state=GiftCardState.ACTIVE)
            await card.save()
            await issue_entry(card, ledger.Movement(actor=actor, occurred_at=now, store_id=store_id,
                                                    member_id=member_id, idempotency_key=idempotency_key,
                                                    reason=f"given ({idempotency_key})")).save()
            await _bind(card, template, member_id, actor, now, reason="claimed on issue")
            return card
    except IntegrityError:
        done = await GiftCardLedgerEntry.filter(brand_id=brand_id, idempotency_key=idempotency_key).first()
        if done is None:
            raise
        return await _replayed_gift(done, member_id, template_id)


async def _replayed_gift(entry: GiftCardLedgerEntry, member_id: int, template_id: int) -> GiftCard:
    card = await GiftCard.get(id=entry.card_id)
    if entry.member_id != member_id or card.template_id != template_id:
        raise DomainError(GiftCardErrorCode.IDEMPOTENCY_CONFLICT, "This key gave another card.", "idempotencyKey")
    return card


async def send_gift_card(runtime: Runtime, principal: Principal, *, template_id: int | None = None,
                         payment_reference: str | None = None, card_id: int | None = None,
                         now: datetime | None = None) -> Gift:
    """Buy a card of a template on sale (payment reference: idempotent), or pass on a card the
    member claimed (or bought) and has not used. Returns the friend's fresh code."""
    authorize(principal, "giftcard", "send")
    member_id = _member_only(principal)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    if (template_id is None) == (card_id is None):
        raise DomainError(FranchiseErrorCode.INVALID_INPUT, "Buy from a template or send a card, not both.",
                          "templateId")
    if card_id is not None:
        return await _pass_on(runtime, principal, member_id, card_id, now)
    return await _buy(runtime, principal, member_id, template_id, payment_reference, now)


async def _buy(runtime: Runtime, principal: Principal, member_id: int, template_id: int,
               payment_reference: str | None, now: datetime) -> Gift:
    reference = validation.text(payment_reference, "paymentReference", max_length=128)
    key = f"sale:{reference}"
    template = await live_template(principal, template_id)
    if template.sale_price_minor is None:
        raise DomainError(GiftCardErrorCode.NOT_FOR_SALE, "Members cannot buy this card.", "templateId")
    if template.valid_until is not None and template.valid_until <= now:
        raise DomainError(GiftCardErrorCode.CARD_EXPIRED, "This template's cards have expired.", "templateId")
    try:
        async with in_transaction():
            existing = await GiftCardLedgerEntry.filter(brand_id=principal.brand_id, idempotency_key=key).first()
            if existing is not None:
                return await _replayed_sale(existing, member_id, template.id)
            card, code = new_card(template, runtime.secret_key, batch=f"sale-{member_id}",
                                  state=GiftCardState.ACTIVE, bought_by_id=member_id)
            await card.save()
            await issue_entry(card, ledger.Movement(
                actor=audit.actor_of(principal), occurred_at=now, member_id=member_id, idempotency_key=key,
                reason=f"bought as a gift for {template.sale_price_minor} (payment {reference})")).save()
            return Gift(card, code, replayed=False)
    except IntegrityError:
        existing = await GiftCardLedgerEntry.filter(brand_id=principal.brand_id, idempotency_key=key).first()
        if existing is None:
            raise
        return await _replayed_sale(existing, member_id, template.id)


async def _replayed_sale(entry: GiftCardLedgerEntry, member_id: int, template_id: int) -> Gift:
    card = await GiftCard.get(id=entry.card_id)
    if entry.member_id != member_id or card.template_id != template_id:
        raise DomainError(GiftCardErrorCode.IDEMPOTENCY_CONFLICT, "This payment bought another card.",
                          "paymentReference")
    # The code was shown once; the buyer gets a new one by sending the card (cardId).
    return Gift(card, None, replayed=True)


async def _pass_on(runtime: Runtime, principal: Principal, member_id: int, card_id: int, now: datetime) -> Gift:
    async with in_transaction():
        card = await GiftCard.filter(id=card_id, brand_id=principal.brand_id).select_for_update().first()
        mine = card is not None and (
            (card.state is GiftCardState.CLAIMED and card.member_id == member_id)
            or (card.state is GiftCardState.ACTIVE and card.member_id is None and card.bought_by_id == member_id)
        )
        if not mine:
            raise DomainError(GiftCardErrorCode.NOT_YOUR_CARD, "Only a card you hold can be sent.", "cardId")
        ledger.check_usable(card, now)
        if await GiftCardLedgerEntry.filter(card_id=card.id, kind__in=USES).exists():
            raise DomainError(GiftCardErrorCode.CARD_ALREADY_USED, "A card that was used cannot be sent.", "cardId")
        code = codes.new_code()
        normalised = codes.normalise(code)
        card.code_hash, card.code_hint = codes.code_hash(runtime.secret_key, normalised), codes.hint(normalised)
        card.state, card.member_id, card.claimed_at = GiftCardState.ACTIVE, None, None
        await ledger.move(card, GiftCardLedgerKind.TRANSFER, ledger.Movement(
            actor=audit.actor_of(principal), occurred_at=now, member_id=member_id,
            reason="sent as a gift: new code"))
        await ledger.finish(card)
    return Gift(card, code, replayed=False)


async def active_benefits(brand_id: int, member_id: int, now: datetime | None = None) -> list[GiftCard]:
    """The member's BENEFIT cards whose benefit runs at `now` (a tier level or a bundle, on the
    card's template): the hook for pricing and tiers to honour them."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    return await GiftCard.filter(brand_id=brand_id, member_id=member_id, kind=GiftCardKind.BENEFIT,
                                 state=GiftCardState.CLAIMED, benefit_until__gt=now)
