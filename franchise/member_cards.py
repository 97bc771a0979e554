"""A branch's own member card and member prices (branches run their own, HQ sees all)."""

from __future__ import annotations

from decimal import Decimal

from tortoise.transactions import in_transaction

from franchise import audit, validation
from franchise.models import Store, StoreMemberCard, StoreMemberPrice
from franchise.stores import require_store
from policies import Principal, authorize


def _money(minor: int | None) -> str | None:
    return None if minor is None else str(validation.minor_to_money(minor))


async def _lock_store(store_id: int) -> None:
    """Serialise a store's upserts on its row: two first-time upserts would otherwise both
    insert and one would hit the unique index."""
    await Store.filter(id=store_id).select_for_update().first()


async def upsert_store_member_card(
    principal: Principal, *, store_id: int, name: str, trial_days: int = 0,
    discount_percent: int = 0, benefits: list[str] | None = None,
) -> StoreMemberCard:
    authorize(principal, "store_card", "write", store_id=store_id)
    store = await require_store(principal, store_id)
    values = {
        "name": validation.text(name, "name", max_length=100),
        "trial_days": validation.bounded_int(trial_days, "trialDays", low=0, high=3650),
        "discount_percent": validation.bounded_int(discount_percent, "discountPercent", low=0, high=90),
        "benefits": [validation.text(b, "benefits", max_length=200) for b in (benefits or [])][:20],
    }
    async with in_transaction():
        await _lock_store(store.id)
        card = await StoreMemberCard.filter(store_id=store.id).select_for_update().first()
        before = {k: getattr(card, k) for k in values} if card else {}
        if card is None:
            card = await StoreMemberCard.create(brand_id=store.brand_id, store_id=store.id, **values)
        else:
            card.update_from_dict(values)
            await card.save()
        if changed := audit.diff(before, values):
            await audit.record(
                principal, brand_id=store.brand_id, action="store_card.upsert",
                object_type="StoreMemberCard", object_id=card.id, changes=changed, store_id=store.id,
            )
    return card


async def set_store_member_price(
    principal: Principal, *, store_id: int, sku: str, price: Decimal, tier_level: int | None = None,
) -> StoreMemberPrice:
    authorize(principal, "store_price", "write", store_id=store_id)
    store = await require_store(principal, store_id)
    sku = validation.text(sku, "sku", max_length=64)
    level = validation.bounded_int(tier_level, "tierLevel", low=1, high=10) if tier_level else 0
    price_minor = validation.money_to_minor(price, "price")
    async with in_transaction():
        await _lock_store(store.id)
        row = await StoreMemberPrice.filter(
            store_id=store.id, sku=sku, tier_level=level
        ).select_for_update().first()
        before = row.price_minor if row else None
        if row is None:
            row = await StoreMemberPrice.create(
                brand_id=store.brand_id, store_id=store.id, sku=sku, tier_level=level,
                price_minor=price_minor,
            )
        else:
            row.price_minor = price_minor
            await row.save(update_fields=["price_minor", "updated_at"])
        if before != price_minor:
            await audit.record(
                principal, brand_id=store.brand_id, action="store_price.set",
                object_type="StoreMemberPrice", object_id=f"{store.id}:{sku}:{level}",
                changes={"price": [_money(before), _money(price_minor)]}, store_id=store.id,
            )
    return row


async def member_price_minor(
    brand_id: int, *, store_id: int, sku: str, tier_level: int | None
) -> int | None:
    """The branch price a tier pays for a SKU: its own tier's price, else the all-tier price."""
    levels = [0] + ([tier_level] if tier_level else [])
    rows = await StoreMemberPrice.filter(
        brand_id=brand_id, store_id=store_id, sku=sku, tier_level__in=levels
    )
    by_level = {r.tier_level: r.price_minor for r in rows}
    return by_level.get(tier_level or 0, by_level.get(0))
