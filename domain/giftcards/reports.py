"""The reports hook: outstanding stored-value gift-card balances (a liability) per usable-store
scope and per brand, and how many cards were issued and redeemed. SQL aggregates only."""

from __future__ import annotations

from dataclasses import dataclass, field

from tortoise.functions import Count, Sum

from domain.giftcards.models import LIVE_STATES, GiftCard, GiftCardKind, GiftCardLedgerEntry, GiftCardTemplate
from policies import Principal, authorize

REDEMPTIONS = ("PAY", "PICKUP", "EXCHANGE", "BENEFIT")


@dataclass
class ScopeBalance:
    store_ids: tuple[int, ...] | None  # None: usable in every store of the brand
    outstanding_minor: int
    cards: int


@dataclass
class GiftCardReport:
    brand_id: int
    outstanding_minor: int
    by_scope: list[ScopeBalance]
    cards_by_kind_and_state: dict[tuple[str, str], int] = field(default_factory=dict)
    redemptions_by_kind: dict[str, int] = field(default_factory=dict)
    paid_minor: int = 0
    refunded_minor: int = 0


async def gift_card_report(principal: Principal) -> GiftCardReport:
    authorize(principal, "giftcard.report", "read")
    return await brand_report(principal.brand_id)


async def brand_report(brand_id: int) -> GiftCardReport:
    """For the reports area (already authorised): one grouped query per figure."""
    live = GiftCard.filter(brand_id=brand_id, kind=GiftCardKind.STORED_VALUE, state__in=LIVE_STATES)
    per_template = await live.annotate(total=Sum("balance_minor"), n=Count("id")).group_by("template_id").values(
        "template_id", "total", "n")
    scopes = dict(await GiftCardTemplate.filter(brand_id=brand_id).values_list("id", "store_ids"))
    by_scope: dict[tuple[int, ...] | None, list[int]] = {}
    for row in per_template:
        stores = scopes.get(row["template_id"])
        scope = tuple(sorted(stores)) if stores is not None else None
        totals = by_scope.setdefault(scope, [0, 0])
        totals[0] += int(row["total"] or 0)
        totals[1] += int(row["n"] or 0)
    counts = await GiftCard.filter(brand_id=brand_id).annotate(n=Count("id")).group_by("kind", "state").values(
        "kind", "state", "n")
    entries = GiftCardLedgerEntry.filter(brand_id=brand_id)
    redemptions = await entries.filter(kind__in=REDEMPTIONS).annotate(n=Count("id")).group_by("kind").values(
        "kind", "n")
    money = await entries.filter(kind__in=("PAY", "PAY_REFUND")).annotate(total=Sum("amount_delta")).group_by(
        "kind").values("kind", "total")
    money_by_kind = {_name(row["kind"]): int(row["total"] or 0) for row in money}
    return GiftCardReport(
        brand_id=brand_id,
        outstanding_minor=sum(total for total, _ in by_scope.values()),
        by_scope=[ScopeBalance(scope, total, n) for scope, (total, n) in
                  sorted(by_scope.items(), key=lambda kv: (kv[0] is not None, kv[0] or ()))],
        cards_by_kind_and_state={(_name(r["kind"]), _name(r["state"])): int(r["n"]) for r in counts},
        redemptions_by_kind={_name(r["kind"]): int(r["n"]) for r in redemptions},
        paid_minor=-money_by_kind.get("PAY", 0),
        refunded_minor=money_by_kind.get("PAY_REFUND", 0),
    )


def _name(value) -> str:
    return getattr(value, "value", value)
