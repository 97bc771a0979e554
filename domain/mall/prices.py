"""What a member pays for a product at a store (Product.memberPrice): the branch member price
and the tier discount, combined.

- A branch price set for the member's tier level is final: the store chose it for that tier.
- Otherwise the tier level's discount applies to the branch's all-tier member price, or, when
  the store has none, to the commerce graph's own price (passed by the router).
- Neither price: no member price (null)."""

from __future__ import annotations

from domain.tiers.models import TierProgram
from domain.tiers.service import levels_of
from franchise import stores
from franchise.models import StoreMemberPrice
from policies import Principal


def discounted(minor: int, percent: int) -> int:
    """`percent` off, rounded half up to the minor unit."""
    return (minor * (100 - percent) + 50) // 100


async def member_price_minor(principal: Principal, *, sku: str, store_id: int, tier_level: int | None,
                             list_price_minor: int | None) -> int | None:
    store = await stores.get_store(principal, store_id)  # any caller that may read the store
    if store is None:
        return None
    rows = await StoreMemberPrice.filter(brand_id=store.brand_id, store_id=store.id, sku=sku,
                                         tier_level__in=[0, tier_level or 0])
    branch = {row.tier_level: row.price_minor for row in rows}
    if tier_level and tier_level in branch:
        return branch[tier_level]
    base = branch.get(0, list_price_minor)
    if base is None:
        return None
    percent = 0
    if tier_level:
        program = await TierProgram.filter(brand_id=store.brand_id).first()
        level = next((lv for lv in levels_of(program) if lv.level == tier_level), None) if program else None
        percent = level.discount_percent if level else 0
    return discounted(base, percent)
