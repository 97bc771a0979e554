"""Points as cash at checkout (积分抵现) and its refund."""

from __future__ import annotations

from typing import Any

from domain.points import payments
from franchise.validation import minor_to_money
from resolvers.errors import attempt, parse_id


async def pay_with_points(info, input: Any) -> dict:
    async def work():
        done = await payments.pay_with_points(
            info.context.principal, member_id=parse_id(input.member_id, "memberId"),
            store_id=parse_id(input.store_id, "storeId"), order_id=input.order_id,
            order_amount=input.order_amount, points=input.points,
        )
        return {"amount_off": minor_to_money(done.payment.amount_off_minor), "points_used": done.payment.points,
                "balance": done.balance, "replayed": done.replayed}

    return await attempt(work())


async def refund_points_payment(info, input: Any) -> dict:
    async def work():
        done = await payments.refund_points_payment(info.context.principal, order_id=input.order_id)
        return {"points_returned": done.payment.points, "balance": done.balance, "replayed": done.replayed}

    return await attempt(work())
