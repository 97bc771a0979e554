"""The gift-card ledger check: each card's balance = sum of its ledger's amounts >= 0, its uses
left = sum of its ledger's uses >= 0, and a card that has ended (used up, expired, voided)
holds nothing."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.functions import Sum

from domain.giftcards.models import GiftCard, GiftCardLedgerEntry, GiftCardState

ENDED = (GiftCardState.USED_UP, GiftCardState.EXPIRED, GiftCardState.VOIDED)


@dataclass
class CardInconsistency:
    card_id: int
    state: str
    balance: int
    ledger_balance: int
    uses_left: int
    ledger_uses: int


async def verify_gift_cards(brand_id: int | None = None) -> list[CardInconsistency]:
    """Every card that breaks the invariant (empty when all hold): two queries."""
    cards = GiftCard.all() if brand_id is None else GiftCard.filter(brand_id=brand_id)
    entries = GiftCardLedgerEntry.all() if brand_id is None else GiftCardLedgerEntry.filter(brand_id=brand_id)
    sums = {row["card_id"]: (int(row["a"] or 0), int(row["u"] or 0)) for row in await entries.annotate(
        a=Sum("amount_delta"), u=Sum("uses_delta")).group_by("card_id").values("card_id", "a", "u")}
    problems = []
    for card_id, state, balance, uses in await cards.values_list("id", "state", "balance_minor", "uses_left"):
        ledger_balance, ledger_uses = sums.get(card_id, (0, 0))
        state = GiftCardState(state)
        consistent = (balance == ledger_balance >= 0 and uses == ledger_uses >= 0
                      and (state not in ENDED or balance == uses == 0))
        if not consistent:
            problems.append(CardInconsistency(card_id, state.value, balance, ledger_balance, uses, ledger_uses))
    return problems
