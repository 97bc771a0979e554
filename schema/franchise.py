"""Brands, stores, staff, partner clients, branch member cards and prices."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from franchise.validation import minor_to_money
from policies import Role as RoleEnum
from resolvers import auth as auth_resolvers
from resolvers import franchise as resolvers
from schema.common import UserError

Role = strawberry.enum(RoleEnum, name="Role")


@strawberry.type
class Brand:
    id: strawberry.ID
    slug: str
    name: str
    currency: str
    timezone: str
    required_profile_fields: list[str]


@strawberry.type
class StoreMemberCard:
    id: strawberry.ID
    name: str
    trial_days: int
    discount_percent: int = strawberry.field(description="Percent off for holders, 0-90.")
    benefits: list[str]
    updated_at: datetime.datetime


@strawberry.federation.type(keys=["id"], description="A branch (store) of the brand.")
class Store:
    id: strawberry.ID
    code: str
    name: str
    city: str
    address: str
    tags: list[str]
    active: bool

    @strawberry.field(description="The branch's own member card, if it runs one.")
    async def member_card(self, info: Info) -> StoreMemberCard | None:
        return await info.context.loaders.card_by_store.load(int(self.id))

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Store | None:
        # The resolver returns a Tortoise row: cast it so the `_Entity` union can tell its type.
        return strawberry.cast(cls, await resolvers.store(info, id))


@strawberry.type
class StoreMemberPrice:
    sku: str
    store_id: strawberry.ID
    tier_level: int | None = strawberry.field(description="Null: the price for every tier.")
    price_minor: strawberry.Private[int]
    updated_at: datetime.datetime

    @strawberry.field
    def price(self) -> Decimal:
        return minor_to_money(self.price_minor)


def price_from_row(row) -> StoreMemberPrice:
    return StoreMemberPrice(
        sku=row.sku, store_id=strawberry.ID(str(row.store_id)), tier_level=row.tier_level or None,
        price_minor=row.price_minor, updated_at=row.updated_at,
    )


@strawberry.type
class Staff:
    id: strawberry.ID
    email: str
    name: str
    role: Role  # type: ignore[valid-type]
    active: bool

    @strawberry.field
    async def store(self, info: Info) -> Store | None:
        store_id = getattr(self, "store_id", None)
        return await info.context.loaders.store_by_id.load(store_id) if store_id else None


@strawberry.type(description="A partner app's credentials (the key itself is shown only once).")
class ApiClient:
    id: strawberry.ID
    name: str
    key_prefix: str
    scopes: list[str]
    store_ids: list[strawberry.ID]
    created_at: datetime.datetime
    revoked_at: datetime.datetime | None


# Inputs and payloads


@strawberry.input
class CreateStoreInput:
    code: str
    name: str
    city: str
    address: str | None = None
    tags: list[str] | None = None


@strawberry.input
class UpdateStoreInput:
    id: strawberry.ID
    name: str | None = None
    city: str | None = None
    address: str | None = None
    tags: list[str] | None = None
    active: bool | None = None


@strawberry.type
class StorePayload:
    store: Store | None = None
    errors: list[UserError]


@strawberry.input
class CreateStaffInput:
    email: str
    name: str
    password: str
    role: Role  # type: ignore[valid-type]
    store_id: strawberry.ID | None = None


@strawberry.input
class UpdateStaffRoleInput:
    staff_id: strawberry.ID
    role: Role | None = None  # type: ignore[valid-type]
    store_id: strawberry.ID | None = None
    active: bool | None = None


@strawberry.type
class StaffPayload:
    staff: Staff | None = None
    errors: list[UserError]


@strawberry.input
class UpsertStoreMemberCardInput:
    store_id: strawberry.ID
    name: str
    trial_days: int = 0
    discount_percent: int = 0
    benefits: list[str] | None = None


@strawberry.type
class StoreMemberCardPayload:
    card: StoreMemberCard | None = None
    errors: list[UserError]


@strawberry.input
class SetStoreMemberPriceInput:
    store_id: strawberry.ID
    sku: str
    price: Decimal
    tier_level: int | None = strawberry.field(default=None, description="Omit for every tier.")


@strawberry.type
class StoreMemberPricePayload:
    price: StoreMemberPrice | None = None
    errors: list[UserError]


@strawberry.type
class FranchiseQuery:
    @strawberry.field(description="The caller's brand.")
    async def brand(self, info: Info) -> Brand | None:
        return await resolvers.brand(info)

    @strawberry.field(description="The brand's stores; a store role sees its own store only.")
    async def stores(self, info: Info) -> list[Store]:
        return await resolvers.store_list(info)

    @strawberry.field
    async def store(self, info: Info, id: strawberry.ID) -> Store | None:
        return await resolvers.store(info, id)

    @strawberry.field(description="Partner API clients of the brand (HQ).")
    async def api_clients(self, info: Info) -> list[ApiClient]:
        return await auth_resolvers.api_clients_list(info)


@strawberry.type
class FranchiseMutation:
    @strawberry.mutation(description="HQ admin opens a store.")
    async def create_store(self, info: Info, input: CreateStoreInput) -> StorePayload:
        return StorePayload(**await resolvers.create_store(info, input))

    @strawberry.mutation(description="HQ admin edits a store.")
    async def update_store(self, info: Info, input: UpdateStoreInput) -> StorePayload:
        return StorePayload(**await resolvers.update_store(info, input))

    @strawberry.mutation(description="HQ admin adds any staff; a store manager adds clerks to its store.")
    async def create_staff(self, info: Info, input: CreateStaffInput) -> StaffPayload:
        return StaffPayload(**await resolvers.create_staff(info, input))

    @strawberry.mutation(description="HQ admin changes a role, store or active flag; applies at once.")
    async def update_staff_role(self, info: Info, input: UpdateStaffRoleInput) -> StaffPayload:
        return StaffPayload(**await resolvers.update_staff_role(info, input))

    @strawberry.mutation(description="A store manager sets its branch member card.")
    async def upsert_store_member_card(
        self, info: Info, input: UpsertStoreMemberCardInput
    ) -> StoreMemberCardPayload:
        return StoreMemberCardPayload(**await resolvers.upsert_store_member_card(info, input))

    @strawberry.mutation(description="A store manager sets a branch member price for a SKU.")
    async def set_store_member_price(
        self, info: Info, input: SetStoreMemberPriceInput
    ) -> StoreMemberPricePayload:
        result = await resolvers.set_store_member_price(info, input)
        if result.get("price") is not None:
            result["price"] = price_from_row(result["price"])
        return StoreMemberPricePayload(**result)
