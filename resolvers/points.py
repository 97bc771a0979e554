"""Points: HQ's rules, purchases and refunds, manual adjustments, estimates, a member's ledger."""

from __future__ import annotations

from typing import Any

from domain.members import access
from domain.members.models import Member
from domain.points import adjustments, purchases, rules
from domain.points.errors import PointsErrorCode
from domain.points.models import ExpiryPolicy, PointsAccount, PointsLedgerEntry, PointsRules, Purchase
from franchise.errors import DomainError
from franchise.validation import bounded_int, money_to_minor
from resolvers.errors import attempt, parse_id, parse_optional_id
from resolvers.pagination import Page, paginate


async def points_rules(info) -> PointsRules:
    return await rules.get_points_rules(info.context.principal)


def _keyed(items: list[Any] | None, key: str, field: str) -> list[Any] | None:
    """A list input that stands for a map: each key once."""
    if items is None:
        return None
    keys = [getattr(item, key) for item in items]
    if len(keys) != len(set(keys)):
        raise DomainError(PointsErrorCode.INVALID_RULES, f"Each {key} at most once.", field)
    return items


def _rules_input(input: Any) -> rules.RulesInput:
    multipliers = _keyed(input.tier_multipliers, "level", "tierMultipliers")
    activities = _keyed(input.activity_points, "activity", "activityPoints")
    return rules.RulesInput(
        earn_points=input.earn_points,
        earn_per_minor=None if input.earn_per is None else money_to_minor(input.earn_per, "earnPer", allow_zero=False),
        tier_multipliers=None if multipliers is None else {m.level: m.multiplier for m in multipliers},
        wallet_paid_earns=input.wallet_paid_earns,
        activity_points=None if activities is None else {
            a.activity.value: {"points": a.points, "daily_cap": a.daily_cap} for a in activities
        },
        expiry_policy=None if input.expiry_policy is None else ExpiryPolicy(input.expiry_policy.value),
        expiry_n=input.expiry_n,
        daily_cap=input.daily_cap,
        clear_daily_cap=bool(input.clear_daily_cap),
    )


async def update_points_rules(info, input: Any) -> dict:
    async def work():
        return {"rules": await rules.update_points_rules(info.context.principal, _rules_input(input))}

    return await attempt(work())


async def record_purchase(info, input: Any) -> dict:
    async def work():
        accrual = await purchases.record_purchase(
            info.context.principal, member_id=parse_id(input.member_id, "memberId"),
            store_id=parse_id(input.store_id, "storeId"), amount=input.amount, order_id=input.order_id,
            channel=purchases.Channel(input.channel.value), occurred_at=input.occurred_at,
            wallet_paid=input.wallet_paid if input.wallet_paid is not None else 0,
            guide_id=parse_optional_id(input.guide_id, "guideId"),
        )
        return {"purchase": accrual.purchase, "points_earned": accrual.points_earned,
                "balance": accrual.balance, "replayed": accrual.replayed}

    return await attempt(work())


async def refund_purchase(info, input: Any) -> dict:
    async def work():
        reversal = await purchases.refund_purchase(
            info.context.principal, order_id=input.order_id, channel=purchases.Channel(input.channel.value),
            refund_id=input.refund_id, amount=input.amount,
        )
        return {"purchase": reversal.purchase, "points_reversed": reversal.points_reversed,
                "debt_added": reversal.debt_added, "balance": reversal.balance, "replayed": reversal.replayed}

    return await attempt(work())


async def adjust_points(info, input: Any) -> dict:
    async def work():
        adjustment = await adjustments.adjust_points(
            info.context.principal, member_id=parse_id(input.member_id, "memberId"), delta=input.delta,
            reason=input.reason, idempotency_key=input.idempotency_key,
        )
        return {"entry": adjustment.entry, "balance": adjustment.balance, "replayed": adjustment.replayed}

    return await attempt(work())


async def estimate_points(info, *, member_id: Any, store_id: Any, amount: Any, wallet_paid: Any = None):
    """A query: what cannot be estimated is a top-level error with its code."""
    return await purchases.estimate_points(
        info.context.principal, member_id=parse_id(member_id, "memberId"), store_id=parse_id(store_id, "storeId"),
        amount=amount, wallet_paid=wallet_paid if wallet_paid is not None else 0,
    )


# A member's points. The member was checked readable by whoever returned it.


async def account(info, member: Member) -> PointsAccount:
    """The member's account, batched over a page; a member who never earned has an empty one."""
    found = await info.context.loaders.points_account_by_member.load(member.id)
    return found or PointsAccount(brand_id=member.brand_id, member_id=member.id)


async def expiring_points(info, member: Member, within_days: int) -> int:
    days = bounded_int(within_days, "withinDays", low=0, high=3660)
    return await info.context.loaders.expiring_points_by_member.load((member.id, days))


async def points_ledger(info, member: Member, first: int, after: str | None) -> Page:
    query = PointsLedgerEntry.filter(brand_id=member.brand_id, member_id=member.id)
    return await paginate(query, first=first, after=after)


async def purchase_member(info, purchase: Purchase) -> Member | None:
    """The purchase's member, to whoever may read that member (FORBIDDEN otherwise)."""
    member = await info.context.loaders.member_by_id.load(purchase.member_id)
    return access.check_member_readable(info.context.principal, member)


# Federation: the commerce graph's Order, by its id.


async def order_purchase(info, order_id: str) -> Purchase | None:
    """The caller's brand's purchase for a commerce order id (any channel, the counter's first),
    if the caller may read its member: like `member(id:)`, a store-confined caller is refused
    for another store's member and for an order we do not know, so a denial leaks nothing."""
    principal = info.context.principal
    loaders = info.context.loaders
    purchase = None
    if principal.brand_id is not None:
        purchase = await loaders.purchase_by_order.load((principal.brand_id, order_id))
    member = await loaders.member_by_id.load(purchase.member_id) if purchase else None
    access.check_member_readable(principal, member)
    return purchase
