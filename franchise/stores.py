"""Stores: HQ opens and edits them; every role of the brand reads them, store roles their own."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from franchise import audit, validation
from franchise.errors import DomainError, FranchiseErrorCode
from franchise.models import Store
from policies import Principal, authorize, authorize_store, store_scope

EDITABLE = ("name", "city", "address", "tags", "active")


def _snapshot(store: Store) -> dict:
    return {f: getattr(store, f) for f in ("code", *EDITABLE)}


async def create_store(
    principal: Principal, *, code: str, name: str, city: str, address: str | None = None,
    tags: list[str] | None = None,
) -> Store:
    authorize(principal, "store", "create")
    values = {
        "code": validation.text(code, "code", max_length=32),
        "name": validation.text(name, "name", max_length=100),
        "city": validation.text(city, "city", max_length=64),
        "address": validation.text(address, "address", max_length=255, required=False) or "",
        "tags": validation.tags(tags),
    }
    try:
        async with in_transaction():
            store = await Store.create(brand_id=principal.brand_id, **values)
            await audit.record(
                principal, brand_id=store.brand_id, action="store.create", object_type="Store",
                object_id=store.id, changes=audit.diff({}, _snapshot(store)), store_id=store.id,
            )
    except IntegrityError:
        raise DomainError(
            FranchiseErrorCode.STORE_CODE_TAKEN, "Another store of the brand has this code.", "code"
        ) from None
    return store


async def update_store(principal: Principal, store_id: int, **changes) -> Store:
    authorize(principal, "store", "update", store_id=store_id)
    checked = {}
    for field_name, value in changes.items():
        if value is None:
            continue
        if field_name == "tags":
            checked["tags"] = validation.tags(value)
        elif field_name == "active":
            checked["active"] = bool(value)
        elif field_name in ("name", "city", "address"):
            limit = {"name": 100, "city": 64, "address": 255}[field_name]
            checked[field_name] = validation.text(value, field_name, max_length=limit)
    async with in_transaction():
        store = await Store.filter(id=store_id, brand_id=principal.brand_id).select_for_update().first()
        if store is None:
            raise DomainError(FranchiseErrorCode.STORE_NOT_FOUND, "No such store.", "id")
        before = _snapshot(store)
        for field_name, value in checked.items():
            setattr(store, field_name, value)
        await store.save()
        changed = audit.diff(before, _snapshot(store))
        if changed:
            await audit.record(
                principal, brand_id=store.brand_id, action="store.update", object_type="Store",
                object_id=store.id, changes=changed, store_id=store.id,
            )
    return store


async def get_store(principal: Principal, store_id: int) -> Store | None:
    """A store of the caller's brand; a store-confined caller gets FORBIDDEN for any other."""
    authorize(principal, "store", "read", store_id=store_id)
    return await Store.filter(id=store_id, brand_id=principal.brand_id).first()


def stores_query(principal: Principal):
    authorize(principal, "store", "read")
    query = Store.filter(brand_id=principal.brand_id)
    scope = store_scope(principal)
    if scope is not None:
        query = query.filter(id__in=list(scope))
    return query


async def require_store(principal: Principal, store_id: int | None, field: str = "storeId") -> Store:
    """The caller's brand's store, for services that act at a store (FORBIDDEN outside scope)."""
    if store_id is None:
        raise DomainError(FranchiseErrorCode.REQUIRED, "A store is required.", field)
    authorize_store(principal, store_id)
    store = await Store.filter(id=store_id, brand_id=principal.brand_id).first()
    if store is None:
        raise DomainError(FranchiseErrorCode.STORE_NOT_FOUND, "No such store.", field)
    return store
