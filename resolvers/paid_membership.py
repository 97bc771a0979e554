"""Paid membership (付费会员卡): HQ's plans, purchases and renewals, refunds, a member's membership."""

from __future__ import annotations

from typing import Any

from domain.members.models import Member
from domain.wallet import membership
from domain.wallet.models import PeriodUnit
from franchise.validation import money_to_minor
from resolvers.errors import attempt, parse_id, parse_optional_id


async def upsert_paid_membership_plan(info, input: Any) -> dict:
    async def work():
        plan = membership.MembershipPlanInput(
            name=input.name, price_minor=money_to_minor(input.price, "price", allow_zero=False),
            period_unit=PeriodUnit(input.period_unit.value), period_count=input.period_count,
            discount_percent=input.discount_percent, points_multiplier=str(input.points_multiplier),
            early_access_tag=input.early_access_tag, refund_window_days=input.refund_window_days,
            active=input.active,
            coupon_template_ids=[parse_id(v, "couponTemplateIds") for v in input.coupon_template_ids],
        )
        row = await membership.upsert_paid_membership_plan(info.context.principal, plan,
                                                           parse_optional_id(input.id, "id"))
        return {"plan": row}

    return await attempt(work())


async def purchase_paid_membership(info, input: Any) -> dict:
    async def work():
        done = await membership.purchase_paid_membership(
            info.context.principal, member_id=parse_id(input.member_id, "memberId"),
            plan_id=parse_id(input.plan_id, "planId"), payment_reference=input.payment_reference,
            store_id=parse_optional_id(input.store_id, "storeId"),
        )
        return {"membership": done.membership, "entry": done.entry, "replayed": done.replayed}

    return await attempt(work())


async def refund_paid_membership(info, input: Any) -> dict:
    async def work():
        done = await membership.refund_paid_membership(
            info.context.principal, member_id=parse_id(input.member_id, "memberId"), refund_id=input.refund_id,
        )
        return {"membership": done.membership, "entry": done.entry, "replayed": done.replayed}

    return await attempt(work())


async def member_paid_membership(info, member: Member):
    """The member's membership (any state), with its plan; null if it never bought one."""
    return await membership.membership_of(member.id)
