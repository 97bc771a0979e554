"""Pending channel points: an unmatched phone's orders wait, and are claimed when that phone
enrols (一键同步历史积分), with their original dates: each becomes a purchase earning what it
earned at import, its lot earned at the paid time and expiring when it would have; a lot
already past its date is recorded as expired at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


from domain import events
from domain.channels.models import ChannelOrder, ChannelOrderStatus
from domain.members.models import Member
from domain.members.phones import normalise_phone
from domain.points import ledger, purchases
from franchise.models import Brand
from policies import Principal, authorize

CLAIM_ACTOR = "channel-claim"


async def claim_pending_points(member: Member, *, now: datetime | None = None) -> int:
    """Credit the member with its phone's pending orders; returns how many were claimed. Safe
    to repeat and to run beside an import (the account lock, then the rows' locks)."""
    if not await ChannelOrder.filter(brand_id=member.brand_id, phone=member.phone,
                                     status=ChannelOrderStatus.PENDING).exists():
        return 0
    now = now or datetime.now(UTC)
    async with events.atomic():
        account = await ledger.lock_account(member.brand_id, member.id)
        orders = await ChannelOrder.filter(brand_id=member.brand_id, phone=member.phone,
                                           status=ChannelOrderStatus.PENDING).order_by("paid_at", "id").select_for_update()
        if not orders:
            return 0
        ctx = await purchases.earning_context(member.brand_id, [o.paid_at for o in orders])
        for order in orders:
            accrual = await purchases.accrue(
                account, member, ctx, store_id=order.store_id or member.home_store_id,
                channel=purchases.Channel(order.channel), order_id=order.external_id,
                amount_minor=order.amount_minor, wallet_minor=0, occurred_at=order.paid_at, actor=CLAIM_ACTOR,
                fixed_points=order.pending_earned, expires_at=order.expires_at)
            if order.refunded_minor:
                await purchases.reverse(account, accrual.purchase, refund_id=f"channel-refunded-total:{order.refunded_minor}",
                                        amount_minor=order.refunded_minor, actor=CLAIM_ACTOR, now=now)
            order.status = ChannelOrderStatus.CLAIMED
            order.member_id, order.purchase_id, order.claimed_at = member.id, accrual.purchase.id, now
            await order.save(update_fields=["status", "member_id", "purchase_id", "claimed_at"])
        # Lots claimed past their original expiry leave at once, as EXPIRE entries.
        await ledger.expire_account(account, now=now, actor=CLAIM_ACTOR)
        return len(orders)


@dataclass
class PendingPoints:
    phone: str
    points: int  # not yet past their expiry
    orders: list[ChannelOrder]


async def pending_channel_points(principal: Principal, phone: str) -> PendingPoints:
    """What a phone that is no member yet would bring when it enrols (HQ operators)."""
    authorize(principal, "channel_points", "read")
    brand = await Brand.get(id=principal.brand_id)
    normal = normalise_phone(phone, brand.phone_region)
    orders = await ChannelOrder.filter(brand_id=brand.id, phone=normal,
                                       status=ChannelOrderStatus.PENDING).order_by("paid_at", "id")
    now = datetime.now(UTC)
    live = sum(o.pending_earned - o.pending_reversed for o in orders if o.expires_at > now)
    return PendingPoints(normal, live, orders)
