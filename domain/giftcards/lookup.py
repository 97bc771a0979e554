"""Finding a card by its code, defended against enumeration: each caller has a budget of wrong
look-ups (a code that fails its check symbol or matches no card of the caller's brand) in a
window; past it every look-up by code is refused with RATE_LIMITED until the window ends. The
counters live in Redis (its in-process stand-in without LOYALTY_REDIS_URL), so every process
shares them."""

from __future__ import annotations

from domain.giftcards import codes
from domain.giftcards.errors import GiftCardErrorCode
from domain.giftcards.models import GiftCard, GiftCardTemplate
from domain.runtime import Runtime
from franchise import audit, ratelimit
from franchise.errors import DomainError, FranchiseErrorCode
from policies import Principal, PrincipalKind, authorize

WRONG_LOOKUPS = 10
WINDOW_SECONDS = 600


def _misses_key(principal: Principal) -> str:
    return f"giftcard-miss:{principal.brand_id}:{audit.actor_of(principal)}"


async def _miss(runtime: Runtime, principal: Principal, error: DomainError) -> DomainError:
    await ratelimit.hit(runtime.redis, _misses_key(principal), limit=WRONG_LOOKUPS, window_seconds=WINDOW_SECONDS)
    return error


async def card_by_code(runtime: Runtime, principal: Principal, code: str | None, field: str = "code") -> GiftCard:
    """The brand's card with this code. The caller is authorised already. A code with a wrong
    check symbol is INVALID_CODE without a database look-up; another brand's card is not found."""
    key = _misses_key(principal)
    if await ratelimit.exceeded(runtime.redis, key, limit=WRONG_LOOKUPS):
        raise DomainError(FranchiseErrorCode.RATE_LIMITED, "Too many wrong gift-card codes; try again later.", field)
    normalised = codes.normalise(code)
    if normalised is None:
        raise await _miss(runtime, principal, DomainError(
            GiftCardErrorCode.INVALID_CODE, "This is not a gift-card code; check it for typos.", field))
    card = await GiftCard.filter(brand_id=principal.brand_id, code_hash=codes.code_hash(runtime.secret_key,
                                                                                         normalised)).first()
    if card is None:
        raise await _miss(runtime, principal, DomainError(
            GiftCardErrorCode.CARD_NOT_FOUND, "No gift card has this code.", field))
    return card


async def card_by_id_for_use(principal: Principal, card_id: int) -> GiftCard:
    """A claimed card named by id (a member's card on the clerk's screen). Unclaimed cards are
    bearer cards: they are named by their code."""
    card = await GiftCard.filter(id=card_id, brand_id=principal.brand_id).first()
    if card is None or card.member_id is None:
        raise DomainError(GiftCardErrorCode.CARD_NOT_FOUND, "No claimed gift card has this id; give its code.",
                          "cardId")
    return card


async def card_of(runtime: Runtime, principal: Principal, *, code: str | None, card_id: int | None) -> GiftCard:
    """The card a payment or pickup names. A claimed card is the member's: it is used by its id
    (from the member's cards), no longer by its code, which whoever bought or sent it has seen."""
    if (code is None) == (card_id is None):
        raise DomainError(FranchiseErrorCode.INVALID_INPUT, "Give the card's code or its id.", "code")
    if code is None:
        return await card_by_id_for_use(principal, card_id)
    card = await card_by_code(runtime, principal, code)
    if card.member_id is not None:
        raise DomainError(GiftCardErrorCode.ALREADY_CLAIMED,
                          "This card was claimed: use it from the member's gift cards (cardId).", "code")
    return card


async def look_up_gift_card(runtime: Runtime, principal: Principal, code: str) -> tuple[GiftCard, GiftCardTemplate]:
    """`giftCard(code)`: what a clerk or a member sees before using or claiming a card."""
    authorize(principal, "giftcard", "lookup")
    card = await card_by_code(runtime, principal, code)
    if principal.kind is PrincipalKind.MEMBER and card.member_id not in (None, principal.member_id):
        # Another member's card: whoever once held the code learns no more than that.
        raise DomainError(GiftCardErrorCode.ALREADY_CLAIMED, "This gift card has been claimed.", "code")
    return card, await GiftCardTemplate.get(id=card.template_id)
