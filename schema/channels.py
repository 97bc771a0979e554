"""Channel orders: import from Tmall, JD, Douyin, the mini-program and POS; pending points."""

from __future__ import annotations

import datetime
import enum
from decimal import Decimal

import strawberry
from strawberry.types import Info

from domain.channels.imports import CHANNELS
from franchise.validation import minor_to_money
from resolvers import channels as resolvers
from schema.common import UserError

ImportChannel = strawberry.enum(enum.Enum("ImportChannel", {c: c for c in CHANNELS}), name="ImportChannel",
                                description="Where imported orders were placed.")
ChannelOrderOutcome = strawberry.enum(
    enum.Enum("ChannelOrderOutcome", {o: o for o in ("ACCEPTED", "DUPLICATE", "PENDING_MEMBER", "REJECTED")}),
    name="ChannelOrderOutcome",
    description="ACCEPTED: its member earned. DUPLICATE: known already (a larger refunded amount reverses "
                "points). PENDING_MEMBER: points wait for the phone to enrol. REJECTED: see error.",
)


@strawberry.input
class ChannelOrderInput:
    external_id: str = strawberry.field(description="The platform's order id: idempotent per channel.")
    phone: str
    amount: Decimal
    paid_at: datetime.datetime = strawberry.field(description="With its offset.")
    store_id: strawberry.ID | None = strawberry.field(default=None, description="Default: the member's home store.")
    refunded_amount: Decimal | None = strawberry.field(default=None, description="The order's refunded total.")


@strawberry.input
class ImportChannelOrdersInput:
    channel: ImportChannel  # type: ignore[valid-type]
    orders: list[ChannelOrderInput] = strawberry.field(description="At most 1,000.")


@strawberry.type
class ChannelOrderResult:
    index: int = strawberry.field(description="0-based position in the input.")
    external_id: str
    outcome: ChannelOrderOutcome  # type: ignore[valid-type]
    points: int = strawberry.field(description="Earned (ACCEPTED) or waiting (PENDING_MEMBER).")
    points_reversed: int = strawberry.field(description="Taken back by the refunded amount this call.")
    error: UserError | None


@strawberry.type
class ImportChannelOrdersPayload:
    results: list[ChannelOrderResult] = strawberry.field(default_factory=list)
    accepted: int = 0
    duplicates: int = 0
    pending: int = 0
    rejected: int = 0
    errors: list[UserError]


@strawberry.type
class PendingChannelOrder:
    external_id: str
    channel: str
    paid_at: datetime.datetime
    pending_earned: int
    pending_reversed: int
    expires_at: datetime.datetime | None

    @strawberry.field
    def amount(self) -> Decimal:
        return minor_to_money(self.amount_minor)  # type: ignore[attr-defined]


@strawberry.type(description="A phone's orders waiting for it to enrol (一键同步历史积分).")
class PendingChannelPoints:
    phone: str
    points: int = strawberry.field(description="Pending points not yet past their expiry.")
    orders: list[PendingChannelOrder]


@strawberry.type
class ChannelsQuery:
    @strawberry.field(description="HQ: what a phone that is not a member yet will bring when it enrols.")
    async def pending_channel_points(self, info: Info, phone: str) -> PendingChannelPoints:
        found = await resolvers.pending_channel_points(info, phone)
        return PendingChannelPoints(phone=found.phone, points=found.points, orders=found.orders)  # type: ignore[arg-type]


@strawberry.type
class ChannelsMutation:
    @strawberry.mutation(description="Import up to 1,000 channel orders: one result per order.")
    async def import_channel_orders(self, info: Info, input: ImportChannelOrdersInput) -> ImportChannelOrdersPayload:
        result = await resolvers.import_channel_orders(info, input)
        result["results"] = [ChannelOrderResult(**r) for r in result.get("results", [])]
        return ImportChannelOrdersPayload(**result)
