"""The reports hook: stored value outstanding (a liability), per store where the money was
topped up and per brand, added up from the ledger's lines in SQL."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.functions import Sum

from domain.wallet.models import WalletLedgerLine
from franchise.stores import require_store
from policies import NotAuthorized, Principal, authorize, store_scope


@dataclass
class Outstanding:
    store_id: int | None  # None: the whole brand
    principal: int
    bonus: int


async def outstanding_by_store(brand_id: int, store_ids: list[int] | None = None) -> list[Outstanding]:
    """Principal and bonus still in members' wallets, by the store where they were topped up."""
    query = WalletLedgerLine.filter(brand_id=brand_id)
    if store_ids is not None:
        query = query.filter(origin_store_id__in=store_ids)
    rows = await query.annotate(total=Sum("amount")).group_by("origin_store_id", "bucket").values(
        "origin_store_id", "bucket", "total")
    by_store: dict[int, Outstanding] = {}
    for row in rows:
        item = by_store.setdefault(row["origin_store_id"], Outstanding(row["origin_store_id"], 0, 0))
        bucket = getattr(row["bucket"], "value", row["bucket"])
        if bucket == "PRINCIPAL":
            item.principal += int(row["total"] or 0)
        else:
            item.bonus += int(row["total"] or 0)
    for store_id in store_ids or []:
        by_store.setdefault(store_id, Outstanding(store_id, 0, 0))
    return sorted(by_store.values(), key=lambda o: o.store_id)


async def stored_value_liability(principal: Principal, store_id: int | None = None) -> tuple[Outstanding, list[Outstanding]]:
    """(the total, per store): one store's (store_manager of it, HQ), or the brand's (HQ)."""
    authorize(principal, "wallet.report", "read", store_id=store_id)
    scope = store_scope(principal)
    if store_id is None and scope is not None:
        if len(scope) != 1:
            raise NotAuthorized()  # a store-confined caller asks for one of its stores
        (store_id,) = scope  # a store manager without a store id: its own store
    if store_id is not None:
        await require_store(principal, store_id)
    rows = await outstanding_by_store(principal.brand_id, [store_id] if store_id is not None else None)
    total = Outstanding(store_id, sum(r.principal for r in rows), sum(r.bonus for r in rows))
    return total, rows
