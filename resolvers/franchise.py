"""Stores, staff, branch member cards and prices."""

from __future__ import annotations

from typing import Any

from franchise import brands, member_cards, stores, staff
from franchise.models import Store
from resolvers.errors import attempt, parse_id, parse_optional_id


async def create_store(info, input: Any) -> dict:
    async def work():
        store = await stores.create_store(
            info.context.principal, code=input.code, name=input.name, city=input.city,
            address=input.address, tags=input.tags,
        )
        return {"store": store}

    return await attempt(work())


async def update_store(info, input: Any) -> dict:
    async def work():
        store = await stores.update_store(
            info.context.principal, parse_id(input.id, "id"), name=input.name, city=input.city,
            address=input.address, tags=input.tags, active=input.active,
        )
        return {"store": store}

    return await attempt(work())


async def store(info, id: Any) -> Store | None:
    return await stores.get_store(info.context.principal, parse_id(id, "id"))


async def store_list(info) -> list[Store]:
    return await stores.stores_query(info.context.principal).order_by("code")


async def create_staff(info, input: Any) -> dict:
    async def work():
        account = await staff.create_staff(
            info.context.principal, email=input.email, name=input.name, password=input.password,
            role=input.role.value, store_id=parse_optional_id(input.store_id, "storeId"),
        )
        return {"staff": account}

    return await attempt(work())


async def update_staff_role(info, input: Any) -> dict:
    async def work():
        account = await staff.update_staff_role(
            info.context.principal, staff_id=parse_id(input.staff_id, "staffId"),
            role=input.role.value if input.role else None,
            store_id=parse_optional_id(input.store_id, "storeId"), active=input.active,
        )
        return {"staff": account}

    return await attempt(work())


async def upsert_store_member_card(info, input: Any) -> dict:
    async def work():
        card = await member_cards.upsert_store_member_card(
            info.context.principal, store_id=parse_id(input.store_id, "storeId"), name=input.name,
            trial_days=input.trial_days, discount_percent=input.discount_percent,
            benefits=input.benefits,
        )
        return {"card": card}

    return await attempt(work())


async def set_store_member_price(info, input: Any) -> dict:
    async def work():
        price = await member_cards.set_store_member_price(
            info.context.principal, store_id=parse_id(input.store_id, "storeId"), sku=input.sku,
            price=input.price, tier_level=input.tier_level,
        )
        return {"price": price}

    return await attempt(work())


async def brand(info):
    return await brands.get_brand(info.context.principal)
