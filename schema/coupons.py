"""Coupons: HQ's templates, issued coupons with their own codes, and using one at a store."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from domain.coupons.models import CouponKind as CouponKindEnum
from domain.coupons.models import CouponStatus as CouponStatusEnum
from franchise.validation import minor_to_money
from resolvers import coupons as resolvers
from schema.common import PageInfo, UserError

CouponKind = strawberry.enum(CouponKindEnum, name="CouponKind")
CouponStatus = strawberry.enum(CouponStatusEnum, name="CouponStatus",
                               description="EXPIRED: unused and past its validity.")


def _money(minor: int | None) -> Decimal | None:
    return None if minor is None else minor_to_money(minor)


@strawberry.type(description="HQ's coupon template; each coupon issued from it has its own code.")
class CouponTemplate:
    id: strawberry.ID
    name: str
    kind: CouponKind  # type: ignore[valid-type]
    percent_off: int = strawberry.field(description="PERCENT_OFF: the share taken off.")
    gift_item: str = strawberry.field(description="GIFT: the item given.")
    valid_from: datetime.datetime | None
    valid_until: datetime.datetime | None = strawberry.field(description="Fixed validity; null with validDays.")
    valid_days: int | None = strawberry.field(description="Valid this many days after issue.")
    per_member_limit: int | None
    issued_count: int
    used_count: int
    created_at: datetime.datetime

    @strawberry.field(description="AMOUNT_OFF: the amount taken off.")
    def amount_off(self) -> Decimal:
        return minor_to_money(self.amount_off_minor)  # type: ignore[attr-defined]

    @strawberry.field(description="PERCENT_OFF: the most it takes off (null: no cap).")
    def max_discount(self) -> Decimal | None:
        return _money(self.max_discount_minor)  # type: ignore[attr-defined]

    @strawberry.field(description="The order amount it needs.")
    def min_spend(self) -> Decimal:
        return minor_to_money(self.min_spend_minor)  # type: ignore[attr-defined]

    @strawberry.field(description="Stores where it is usable; empty: every store of the brand.")
    def store_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(str(s)) for s in self.store_ids]  # type: ignore[attr-defined]


@strawberry.type(description="A coupon issued to a member.")
class Coupon:
    id: strawberry.ID
    source: str = strawberry.field(description="Who issued it: HQ, MALL, ...")
    issued_at: datetime.datetime
    valid_from: datetime.datetime
    valid_until: datetime.datetime
    used_at: datetime.datetime | None
    used_order_id: str | None

    @strawberry.field(description="Whole to its member and HQ; store staff see its last four characters.")
    def code(self, info: Info) -> str:
        return resolvers.code(info, self)  # type: ignore[arg-type]

    @strawberry.field
    def status(self) -> CouponStatus:  # type: ignore[valid-type]
        return resolvers.status(self)  # type: ignore[arg-type]

    @strawberry.field(description="What it took off the order it was used on.")
    def discount(self) -> Decimal | None:
        return _money(self.discount_minor)  # type: ignore[attr-defined]

    @strawberry.field
    async def template(self, info: Info) -> CouponTemplate:
        return await resolvers.template(info, self)  # type: ignore[arg-type]


@strawberry.type
class CouponEdge:
    cursor: str
    node: Coupon


@strawberry.type
class CouponConnection:
    edges: list[CouponEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class CreateCouponTemplateInput:
    name: str
    kind: CouponKind  # type: ignore[valid-type]
    amount_off: Decimal | None = None
    percent_off: int | None = None
    max_discount: Decimal | None = strawberry.field(default=None, description="PERCENT_OFF cap.")
    gift_item: str | None = None
    min_spend: Decimal | None = None
    store_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Empty: every store.")
    valid_from: datetime.datetime | None = None
    valid_until: datetime.datetime | None = strawberry.field(default=None, description="Or validDays.")
    valid_days: int | None = strawberry.field(default=None, description="Days after issue; or validUntil.")
    per_member_limit: int | None = None


@strawberry.type
class CreateCouponTemplatePayload:
    template: CouponTemplate | None = None
    errors: list[UserError]


@strawberry.input
class IssueCouponInput:
    member_id: strawberry.ID
    template_id: strawberry.ID
    idempotency_key: str = strawberry.field(description="A replay returns the first coupon.")


@strawberry.type
class IssueCouponPayload:
    coupon: Coupon | None = None
    replayed: bool = False
    errors: list[UserError]


@strawberry.input
class UseCouponInput:
    code: str
    store_id: strawberry.ID
    order_amount: Decimal
    order_id: str = strawberry.field(description="Idempotency key: the same order again replays the result.")
    member_id: strawberry.ID | None = strawberry.field(default=None,
                                                       description="The customer, to check the coupon is theirs.")


@strawberry.type
class UseCouponPayload:
    coupon: Coupon | None = None
    discount: Decimal | None = strawberry.field(default=None, description="Money off the order.")
    gift_item: str | None = strawberry.field(default=None, description="GIFT: the item to hand over.")
    replayed: bool = False
    errors: list[UserError]


@strawberry.type
class CouponsMutation:
    @strawberry.mutation(description="HQ creates a coupon template.")
    async def create_coupon_template(self, info: Info, input: CreateCouponTemplateInput) -> CreateCouponTemplatePayload:
        return CreateCouponTemplatePayload(**await resolvers.create_coupon_template(info, input))

    @strawberry.mutation(description="HQ issues a coupon of a template to a member (per-member limits hold).")
    async def issue_coupon(self, info: Info, input: IssueCouponInput) -> IssueCouponPayload:
        return IssueCouponPayload(**await resolvers.issue_coupon(info, input))

    @strawberry.mutation(description="A store or partner applies a coupon to an order, once per order id.")
    async def use_coupon(self, info: Info, input: UseCouponInput) -> UseCouponPayload:
        result = await resolvers.use_coupon(info, input)
        if "discount_minor" in result:
            result["discount"] = _money(result.pop("discount_minor"))
        return UseCouponPayload(**result)
