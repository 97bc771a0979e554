"""The ledger check for channel orders: pending points are a balance of their own (per
phone), so each pending order holds 0 ≤ reversed ≤ earned and no member, and each credited
order points at its member's purchase with the same refunded amount (claimed: the points it
held). Two queries, whatever the number of orders."""

from __future__ import annotations

from dataclasses import dataclass

from domain.channels.models import ChannelOrder, ChannelOrderStatus
from domain.points.models import Purchase


@dataclass
class ChannelProblem:
    order_id: int
    reason: str


async def verify_channel_orders(brand_id: int | None = None) -> list[ChannelProblem]:
    orders = ChannelOrder.all() if brand_id is None else ChannelOrder.filter(brand_id=brand_id)
    rows = await orders.order_by("id")
    purchases = {p.id: p for p in await Purchase.filter(
        id__in=[o.purchase_id for o in rows if o.purchase_id is not None])}
    problems = []
    for order in rows:
        if order.status is ChannelOrderStatus.PENDING:
            if order.member_id is not None or order.purchase_id is not None:
                problems.append(ChannelProblem(order.id, "pending but credited"))
            elif not 0 <= order.pending_reversed <= order.pending_earned:
                problems.append(ChannelProblem(order.id, "pending points out of range"))
            continue
        purchase = purchases.get(order.purchase_id)
        if purchase is None or purchase.member_id != order.member_id:
            problems.append(ChannelProblem(order.id, "credited without its member's purchase"))
        elif purchase.refunded_minor != order.refunded_minor:
            problems.append(ChannelProblem(order.id, "refunded amount differs from its purchase"))
        elif order.status is ChannelOrderStatus.CLAIMED and purchase.points_earned != order.pending_earned:
            problems.append(ChannelProblem(order.id, "claimed points differ from the pending points"))
    return problems
