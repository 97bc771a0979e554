"""The stock ledger check: for every item with a stock, stock = sum of its movements ≥ 0
(an unlimited item's movements sum to zero)."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.functions import Sum

from domain.mall.models import MallItem, MallStockMovement


@dataclass
class StockInconsistency:
    item_id: int
    stock: int | None
    movements_sum: int


async def verify_stock(brand_id: int | None = None) -> list[StockInconsistency]:
    """Every item whose stock disagrees with its ledger (empty when all hold): two queries."""
    items = MallItem.all() if brand_id is None else MallItem.filter(brand_id=brand_id)
    movements = MallStockMovement.all() if brand_id is None else MallStockMovement.filter(brand_id=brand_id)
    sums = {row["item_id"]: int(row["s"] or 0)
            for row in await movements.annotate(s=Sum("delta")).group_by("item_id").values("item_id", "s")}
    problems = []
    for item in await items:
        total = sums.get(item.id, 0)
        if (item.stock or 0) != total or total < 0:
            problems.append(StockInconsistency(item.id, item.stock, total))
    return problems
