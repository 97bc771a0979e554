"""Points as cash at checkout (积分抵现)."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from resolvers import points_checkout as resolvers
from schema.common import UserError


@strawberry.input
class PayWithPointsInput:
    member_id: strawberry.ID
    store_id: strawberry.ID
    order_id: str = strawberry.field(description="Idempotency key: a replay returns the first result.")
    order_amount: Decimal
    points: int


@strawberry.type
class PayWithPointsPayload:
    amount_off: Decimal | None = None
    points_used: int | None = None
    balance: int | None = None
    replayed: bool = False
    errors: list[UserError]


@strawberry.input
class RefundPointsPaymentInput:
    order_id: str


@strawberry.type
class RefundPointsPaymentPayload:
    points_returned: int | None = None
    balance: int | None = None
    replayed: bool = False
    errors: list[UserError]


@strawberry.type
class PointsCheckoutMutation:
    @strawberry.mutation(description="Points take money off an order at HQ's rate, up to its share of the order.")
    async def pay_with_points(self, info: Info, input: PayWithPointsInput) -> PayWithPointsPayload:
        return PayWithPointsPayload(**await resolvers.pay_with_points(info, input))

    @strawberry.mutation(description="The order is refunded: its points return with their original expiry dates.")
    async def refund_points_payment(
        self, info: Info, input: RefundPointsPaymentInput
    ) -> RefundPointsPaymentPayload:
        return RefundPointsPaymentPayload(**await resolvers.refund_points_payment(info, input))
