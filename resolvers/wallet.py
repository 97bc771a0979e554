"""Wallets: top-up plans and settings, top-ups, payments and refunds, a member's wallet, the
stored-value liability."""

from __future__ import annotations

from typing import Any

from strawberry.dataloader import DataLoader

from domain.members.models import Member
from domain.wallet import balances, payments, plans, refunds, reports, topups
from domain.wallet.models import ConsumptionRule, PlanKind
from franchise.validation import money_to_minor
from resolvers.errors import attempt, parse_id, parse_optional_id
from resolvers.pagination import Page, paginate


def _ids(values: list[Any] | None, field: str) -> list[int] | None:
    return None if values is None else [parse_id(v, field) for v in values]


def _plan_input(input: Any) -> plans.PlanInput:
    return plans.PlanInput(
        name=input.name, kind=PlanKind(input.kind.value),
        pay_minor=money_to_minor(input.pay_amount, "payAmount") if input.pay_amount is not None else 0,
        bonus_minor=money_to_minor(input.bonus_amount, "bonusAmount") if input.bonus_amount is not None else 0,
        free_order_multiple=input.free_order_multiple,
        offered_store_ids=_ids(input.offered_store_ids, "offeredStoreIds"),
        bonus_store_ids=_ids(input.bonus_store_ids, "bonusStoreIds"),
        bonus_expiry_days=input.bonus_expiry_days, gift_points=input.gift_points,
        gift_tier_level=input.gift_tier_level, active_from=input.active_from, active_to=input.active_to,
        active=input.active,
        gift_coupon_template_ids=_ids(input.gift_coupon_template_ids, "giftCouponTemplateIds") or [],
        gift_card_template_id=parse_optional_id(input.gift_card_template_id, "giftCardTemplateId"),
    )


async def top_up_plans(info, store_id: Any):
    return await plans.top_up_plans(info.context.principal, parse_id(store_id, "storeId"))


async def upsert_top_up_plan(info, input: Any) -> dict:
    async def work():
        plan = await plans.upsert_top_up_plan(info.context.principal, _plan_input(input),
                                              parse_optional_id(input.id, "id"))
        return {"plan": plan}

    return await attempt(work())


async def wallet_settings(info) -> ConsumptionRule:
    return await plans.wallet_settings(info.context.principal)


async def update_wallet_settings(info, input: Any) -> dict:
    async def work():
        rule = await plans.update_wallet_settings(info.context.principal,
                                                  rule=ConsumptionRule(input.consumption_rule.value))
        return {"consumption_rule": rule}

    return await attempt(work())


async def top_up_wallet(info, input: Any) -> dict:
    async def work():
        done = await topups.top_up_wallet(
            info.context.principal, member_id=parse_id(input.member_id, "memberId"),
            store_id=parse_id(input.store_id, "storeId"), payment_reference=input.payment_reference,
            plan_id=parse_optional_id(input.plan_id, "planId"), amount=input.amount,
            bill_amount=input.bill_amount, order_id=input.order_id,
        )
        return {"top_up": done.top_up, "principal": done.principal, "bonus": done.bonus, "replayed": done.replayed,
                "gift_coupon_ids": [str(c.id) for c in done.coupons],
                "gift_card_id": str(done.gift_card.id) if done.gift_card else None}

    return await attempt(work())


def _payment(done: payments.PaymentResult) -> dict:
    return {"payment": done.payment, "principal": done.principal, "bonus": done.bonus, "replayed": done.replayed}


async def pay_with_wallet(info, input: Any) -> dict:
    async def work():
        return _payment(await payments.pay_with_wallet(
            info.context.principal, member_id=parse_id(input.member_id, "memberId"),
            store_id=parse_id(input.store_id, "storeId"), amount=input.amount, order_id=input.order_id,
        ))

    return await attempt(work())


async def refund_wallet_payment(info, input: Any) -> dict:
    async def work():
        return _payment(await payments.refund_wallet_payment(info.context.principal, order_id=input.order_id))

    return await attempt(work())


async def refund_wallet_balance(info, input: Any) -> dict:
    async def work():
        done = await refunds.refund_wallet_balance(
            info.context.principal, member_id=parse_id(input.member_id, "memberId"),
            store_id=parse_id(input.store_id, "storeId"), refund_id=input.refund_id, reason=input.reason,
        )
        return {"principal_refunded": done.principal_refunded, "bonus_forfeited": done.bonus_forfeited,
                "replayed": done.replayed}

    return await attempt(work())


async def stored_value_liability(info, store_id: Any):
    return await reports.stored_value_liability(info.context.principal, parse_optional_id(store_id, "storeId"))


# A member's wallet. The member was checked readable by whoever returned it.


async def member_wallet(info, member: Member, store_id: Any) -> balances.WalletView:
    """Batched over a page of members: one loader per request (made on first use)."""
    loader = info.context.memo("wallet_views", lambda: DataLoader(balances.wallet_views))
    return await loader.load((member.brand_id, member.id, parse_optional_id(store_id, "storeId")))


async def wallet_ledger(info, view: balances.WalletView, first: int, after: str | None) -> Page:
    return await paginate(balances.ledger_query(view.brand_id, view.member_id), first=first, after=after)
