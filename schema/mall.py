"""The points mall: items, redemptions with their verification codes, pickups at a store."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from domain.mall.models import MallItemKind as MallItemKindEnum
from domain.mall.models import RedemptionState as RedemptionStateEnum
from franchise.validation import minor_to_money
from resolvers import mall as resolvers
from schema.common import PageInfo, UserError, UserErrorCode
from schema.coupons import Coupon, CouponTemplate
from schema.franchise import Store

if TYPE_CHECKING:
    from schema.members import Member

LazyMember = Annotated["Member", strawberry.lazy("schema.members")]
MallItemKind = strawberry.enum(MallItemKindEnum, name="MallItemKind")
RedemptionState = strawberry.enum(RedemptionStateEnum, name="RedemptionState")


@strawberry.federation.type(keys=["id"], description="An item of the points mall.")
class MallItem:
    id: strawberry.ID
    name: str
    description: str
    kind: MallItemKind  # type: ignore[valid-type]
    points_price: int
    stock: int | None = strawberry.field(description="Units left; null: unlimited.")
    per_member_limit: int | None = strawberry.field(description="Units a member may redeem per period.")
    limit_period_days: int | None = strawberry.field(description="The limit's period; null: for ever.")
    eligible_tiers: list[int] = strawberry.field(description="Tier levels that may redeem it; empty: everyone.")
    sale_starts_at: datetime.datetime | None
    sale_ends_at: datetime.datetime | None
    near_expiry: bool = strawberry.field(description="Near-expiry stock moved through points.")
    pickup_days: int = strawberry.field(description="PICKUP: days to collect it after redeeming.")
    active: bool

    @strawberry.field(description="The money part of \"points + money\", paid when collected.")
    def cash(self) -> Decimal:
        return minor_to_money(self.cash_minor)  # type: ignore[attr-defined]

    @strawberry.field(description="Stores where it is redeemed and collected; empty: every store.")
    def eligible_store_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(str(s)) for s in self.eligible_store_ids]  # type: ignore[attr-defined]

    @strawberry.field(description="COUPON: the template it issues.")
    async def coupon_template(self, info: Info) -> CouponTemplate | None:
        template_id = self.coupon_template_id  # type: ignore[attr-defined]
        return await resolvers.coupon_template(info, template_id) if template_id else None

    @strawberry.field(description="Members: whether it can redeem one now (null for other callers).")
    async def redeemable(self, info: Info) -> bool | None:
        return await resolvers.redeemable(info, self)  # type: ignore[arg-type]

    @strawberry.field(description="Members: why it cannot (OUT_OF_STOCK, INSUFFICIENT_POINTS, "
                      "MEMBER_LIMIT_REACHED); null when it can.")
    async def unavailable_reason(self, info: Info) -> UserErrorCode | None:  # type: ignore[valid-type]
        code = await resolvers.redeem_refusal(info, self)  # type: ignore[arg-type]
        return UserErrorCode(code) if code else None

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> MallItem | None:
        found = await resolvers.mall_item(info, id)
        return strawberry.cast(cls, found) if found is not None else None


@strawberry.type
class MallItemEdge:
    cursor: str
    node: MallItem


@strawberry.type
class MallItemConnection:
    edges: list[MallItemEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="Points turned into a mall item.")
class Redemption:
    id: strawberry.ID
    quantity: int
    points: int
    state: RedemptionState  # type: ignore[valid-type]
    pickup_expires_at: datetime.datetime | None = strawberry.field(description="PICKUP: collect before this.")
    verified_at: datetime.datetime | None
    cancelled_at: datetime.datetime | None
    cancel_reason: str | None
    created_at: datetime.datetime

    @strawberry.field(description="The money part, paid when collected.")
    def cash(self) -> Decimal:
        return minor_to_money(self.cash_minor)  # type: ignore[attr-defined]

    @strawberry.field(description="PICKUP: the code a clerk verifies; shown to its member only.")
    def verification_code(self, info: Info) -> str | None:
        return resolvers.own_code(info, self)  # type: ignore[arg-type]

    @strawberry.field(description="PICKUP: the QR code's content; shown to its member only.")
    def qr_payload(self, info: Info) -> str | None:
        return resolvers.own_qr(info, self)  # type: ignore[arg-type]

    @strawberry.field
    async def item(self, info: Info) -> MallItem:
        return await resolvers.item_of(info, self)  # type: ignore[arg-type]

    @strawberry.field(description="Where the member means to collect it.")
    async def pickup_store(self, info: Info) -> Store | None:
        store_id = self.pickup_store_id  # type: ignore[attr-defined]
        return await info.context.loaders.store_by_id.load(store_id) if store_id else None

    @strawberry.field(description="Where it was collected.")
    async def verified_store(self, info: Info) -> Store | None:
        store_id = self.verified_store_id  # type: ignore[attr-defined]
        return await info.context.loaders.store_by_id.load(store_id) if store_id else None

    @strawberry.field(description="COUPON: the coupon it issued.")
    async def coupon(self, info: Info) -> Coupon | None:
        return await resolvers.coupon_of(info, self)  # type: ignore[arg-type]

    @strawberry.field
    async def member(self, info: Info) -> LazyMember:
        return await resolvers.member_of(info, self)  # type: ignore[arg-type]


@strawberry.type
class RedemptionEdge:
    cursor: str
    node: Redemption


@strawberry.type
class RedemptionConnection:
    edges: list[RedemptionEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class UpsertMallItemInput:
    id: strawberry.ID | None = strawberry.field(default=None, description="Null: a new item; else every field replaced.")
    name: str
    kind: MallItemKind  # type: ignore[valid-type]
    points_price: int
    description: str | None = None
    cash: Decimal | None = strawberry.field(default=None, description="The money part of \"points + money\".")
    stock: int | None = strawberry.field(default=None, description="Null: unlimited.")
    per_member_limit: int | None = None
    limit_period_days: int | None = strawberry.field(default=None, description="Null: the limit is for ever.")
    eligible_tiers: list[int] | None = None
    eligible_store_ids: list[strawberry.ID] | None = None
    sale_starts_at: datetime.datetime | None = None
    sale_ends_at: datetime.datetime | None = None
    near_expiry: bool | None = None
    coupon_template_id: strawberry.ID | None = strawberry.field(default=None, description="COUPON items.")
    pickup_days: int | None = strawberry.field(default=None, description="PICKUP window in days (default 7).")
    active: bool | None = None


@strawberry.type
class MallItemPayload:
    item: MallItem | None = None
    errors: list[UserError]


@strawberry.input
class RedeemMallItemInput:
    item_id: strawberry.ID
    quantity: int = 1
    idempotency_key: str = strawberry.field(description="A replay returns the first redemption.")
    pickup_store_id: strawberry.ID | None = strawberry.field(
        default=None, description="PICKUP: where to collect; default the home store if eligible.")


@strawberry.type
class RedeemMallItemPayload:
    redemption: Redemption | None = None
    balance: int | None = None
    replayed: bool = False
    errors: list[UserError]


@strawberry.input
class VerifyRedemptionInput:
    code: str = strawberry.field(description="The verification code, or read from the QR payload.")
    store_id: strawberry.ID | None = strawberry.field(default=None, description="Defaults to a clerk's store.")


@strawberry.input
class CancelRedemptionInput:
    redemption_id: strawberry.ID
    reason: str | None = None


@strawberry.type
class RedemptionPayload:
    redemption: Redemption | None = None
    errors: list[UserError]


@strawberry.type
class MallQuery:
    @strawberry.field(description="The items the caller may redeem (members: on sale, its tier, its store); "
                      "HQ sees every item.")
    async def mall_items(self, info: Info, first: int = 20, after: str | None = None,
                         near_expiry_only: bool = False) -> MallItemConnection:
        return await resolvers.mall_items_page(info, first, after, near_expiry_only)

    @strawberry.field
    async def mall_item(self, info: Info, id: strawberry.ID) -> MallItem | None:
        return await resolvers.mall_item(info, id)

    @strawberry.field(description="Pickups waiting to be collected at a store, newest first.")
    async def store_pickups(self, info: Info, store_id: strawberry.ID, first: int = 20,
                            after: str | None = None) -> RedemptionConnection:
        return await resolvers.store_pickups(info, store_id, first, after)


@strawberry.type
class MallMutation:
    @strawberry.mutation(description="HQ creates or replaces a mall item.")
    async def upsert_mall_item(self, info: Info, input: UpsertMallItemInput) -> MallItemPayload:
        return MallItemPayload(**await resolvers.upsert_mall_item(info, input))

    @strawberry.mutation(description="A member redeems points for an item: points, stock and the redemption at once.")
    async def redeem_mall_item(self, info: Info, input: RedeemMallItemInput) -> RedeemMallItemPayload:
        return RedeemMallItemPayload(**await resolvers.redeem_mall_item(info, input))

    @strawberry.mutation(description="A clerk of an eligible store marks a pickup collected (核销), exactly once.")
    async def verify_redemption(self, info: Info, input: VerifyRedemptionInput) -> RedemptionPayload:
        return RedemptionPayload(**await resolvers.verify_redemption(info, input))

    @strawberry.mutation(description="The member (pending pickup) or a store manager cancels: points and stock back.")
    async def cancel_redemption(self, info: Info, input: CancelRedemptionInput) -> RedemptionPayload:
        return RedemptionPayload(**await resolvers.cancel_redemption(info, input))
