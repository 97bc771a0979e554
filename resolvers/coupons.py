"""Coupons: templates, issuing, using at a store, a member's coupons."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from strawberry.dataloader import DataLoader

from domain.coupons import service
from domain.coupons.models import Coupon, CouponKind, CouponStatus, CouponTemplate
from domain.members.models import Member
from policies import PrincipalKind, store_scope
from resolvers.errors import attempt, parse_id, parse_optional_id
from resolvers.pagination import Page, paginate


async def create_coupon_template(info, input: Any) -> dict:
    async def work():
        data = service.TemplateInput(
            name=input.name, kind=CouponKind(input.kind.value), amount_off=input.amount_off,
            percent_off=input.percent_off, max_discount=input.max_discount, gift_item=input.gift_item,
            min_spend=input.min_spend if input.min_spend is not None else 0,
            store_ids=[parse_id(s, "storeIds") for s in input.store_ids or []],
            valid_from=input.valid_from, valid_until=input.valid_until, valid_days=input.valid_days,
            per_member_limit=input.per_member_limit,
        )
        return {"template": await service.create_coupon_template(info.context.principal, data)}

    return await attempt(work())


async def issue_coupon(info, input: Any) -> dict:
    async def work():
        coupon, replayed = await service.issue_coupon(
            info.context.principal, member_id=parse_id(input.member_id, "memberId"),
            template_id=parse_id(input.template_id, "templateId"), idempotency_key=input.idempotency_key,
        )
        return {"coupon": coupon, "replayed": replayed}

    return await attempt(work())


async def use_coupon(info, input: Any) -> dict:
    async def work():
        used = await service.use_coupon(
            info.context.principal, code=input.code, store_id=parse_id(input.store_id, "storeId"),
            order_amount=input.order_amount, order_id=input.order_id,
            member_id=parse_optional_id(input.member_id, "memberId"),
        )
        return {"coupon": used.coupon, "discount_minor": used.discount_minor,
                "gift_item": used.template.gift_item or None, "replayed": used.replayed}

    return await attempt(work())


async def member_coupons(info, member: Member, status: CouponStatus | None, first: int, after: str | None) -> Page:
    return await paginate(service.member_coupons_query(info.context.principal, member, status),
                          first=first, after=after)


async def template(info, coupon: Coupon) -> CouponTemplate:
    return await template_by_id(info, coupon.template_id)


async def template_by_id(info, template_id: int) -> CouponTemplate:
    """Batched per request; the row was reached through a brand-checked object."""
    return await info.context.memo("coupons:templates", _template_loader).load(template_id)


def _template_loader():
    async def load(ids: list[int]) -> list:
        rows = {t.id: t for t in await CouponTemplate.filter(id__in=list(set(ids)))}
        return [rows.get(i) for i in ids]

    return DataLoader(load)


def status(coupon: Coupon) -> CouponStatus:
    return service.status_at(coupon, datetime.now(UTC))


def code(info, coupon: Coupon) -> str:
    """The code is the coupon: the member itself and HQ see it whole, store staff its tail."""
    principal = info.context.principal
    if principal.kind is PrincipalKind.MEMBER and principal.member_id == coupon.member_id:
        return coupon.code
    if principal.kind is PrincipalKind.STAFF and store_scope(principal) is None:
        return coupon.code
    return "*" * (len(coupon.code) - 4) + coupon.code[-4:]
