"""Purchases earn points by HQ's rules; refunds reverse them in proportion."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timezone
from fractions import Fraction

from tortoise.exceptions import IntegrityError
from tortoise.functions import Sum
from domain import events

from domain.members.errors import MemberErrorCode
from domain.members.models import Member
from domain.points import ledger, payments, rules as points_rules
from domain.points.errors import PointsErrorCode
from domain.points.models import LedgerKind, PointsAccount, PointsLedgerEntry, PointsRules, Purchase, PurchaseRefund
from domain.tiers import service as tiers
from domain.tiers.models import TierProgram
from domain.wallet import membership as paid_membership
from franchise import audit, validation
from franchise.errors import DomainError, invalid
from franchise.stores import require_store
from policies import NotAuthorized, Principal, PrincipalKind, authorize


class Channel(str, enum.Enum):
    STORE = "STORE"
    POS = "POS"
    WECHAT = "WECHAT"
    TMALL = "TMALL"
    JD = "JD"
    DOUYIN = "DOUYIN"
    OTHER = "OTHER"


@dataclass
class Accrual:
    purchase: Purchase
    points_earned: int
    balance: int
    replayed: bool


@dataclass
class Reversal:
    purchase: Purchase
    points_reversed: int
    debt_added: int
    balance: int
    replayed: bool


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def _member(principal: Principal, member_id: int) -> Member:
    # One card, every store: any store of the brand serves any of its members.
    member = await Member.filter(id=member_id, brand_id=principal.brand_id).first()
    if member is None:
        raise DomainError(MemberErrorCode.MEMBER_NOT_FOUND, "No such member.", "memberId")
    return member


async def _tier_program(member: Member) -> TierProgram | None:
    return await TierProgram.filter(brand_id=member.brand_id).first()


async def _multiplier(rules: PointsRules, program: TierProgram | None, member: Member, at: datetime) -> Fraction:
    """The member's tier multiplier at `at` (its level before this purchase counts), times its
    paid membership's multiplier (exact fractions; the points are rounded down once, at the end)."""
    level = await tiers.current_level(program, member.id, at)
    return (points_rules.multiplier_for(rules, level, tiers.multiplier_of(program, level))
            * await paid_membership.points_multiplier(member.id, at))


async def _earnable(rules: PointsRules, member: Member, *, eligible_minor: int, occurred_at: datetime,
                    timezone_name: str, multiplier: Fraction) -> int:
    """Points for this spend, times the member's tier multiplier (×1 without a tier), within
    the daily cap of the day the purchase happened in the brand's time zone."""
    points = points_rules.points_for(rules, eligible_minor, multiplier)
    if rules.daily_cap is None or points == 0:
        return points
    start, end = points_rules.local_day_bounds(occurred_at, timezone_name)
    earned_today = await PointsLedgerEntry.filter(
        member_id=member.id, kind=LedgerKind.EARN, purchase_id__isnull=False,
        occurred_at__gte=start, occurred_at__lt=end,
    ).annotate(total=Sum("points")).values_list("total", flat=True)
    already = int(earned_today[0] or 0) if earned_today else 0
    return max(0, min(points, rules.daily_cap - already))


@dataclass
class Estimate:
    points: int  # what the order would earn
    points_usable: int  # what the member's points may pay of it (积分抵现)
    amount_off_minor: int  # ...and the money they take off


async def estimate_points(principal: Principal, *, member_id: int, store_id: int, amount,
                          wallet_paid=0, occurred_at: datetime | None = None) -> Estimate:
    """"This order earns X points; your points can take Y off." """
    authorize(principal, "points", "estimate", store_id=store_id)
    if principal.kind is PrincipalKind.MEMBER and principal.member_id != member_id:
        raise NotAuthorized()  # a member estimates its own orders only
    await require_store(principal, store_id)
    member = await _member(principal, member_id)
    amount_minor = validation.money_to_minor(amount, "amount")
    wallet_minor = validation.money_to_minor(wallet_paid, "walletPaid")
    rules = await points_rules.current_rules(principal.brand_id)
    eligible = amount_minor - (0 if rules.wallet_paid_earns else min(wallet_minor, amount_minor))
    at = occurred_at or _now()
    points = await _earnable(rules, member, eligible_minor=eligible, occurred_at=at,
                             timezone_name=await points_rules.brand_timezone(principal.brand_id),
                             multiplier=await _multiplier(rules, await _tier_program(member), member, at))
    account = await PointsAccount.filter(member_id=member.id).first()
    usable = payments.most_points_for(rules, account.balance if account else 0, amount_minor)
    return Estimate(points, usable, payments.amount_off_minor(rules, usable))


async def record_purchase(principal: Principal, *, member_id: int, store_id: int, amount, order_id: str,
                          channel: Channel, occurred_at: datetime | None = None, wallet_paid=0) -> Accrual:
    """Earn for an order, once per (brand, channel, order id): a replay returns the first result."""
    authorize(principal, "purchase", "record", store_id=store_id)
    store = await require_store(principal, store_id)
    member = await _member(principal, member_id)
    order_id = validation.text(order_id, "orderId", max_length=64)
    amount_minor = validation.money_to_minor(amount, "amount", allow_zero=False)
    wallet_minor = validation.money_to_minor(wallet_paid, "walletPaid")
    if wallet_minor > amount_minor:
        raise invalid("The wallet paid more than the order.", "walletPaid")
    occurred_at = occurred_at or _now()
    rules = await points_rules.current_rules(principal.brand_id)
    zone = await points_rules.brand_timezone(principal.brand_id)
    program = await _tier_program(member)
    try:
        async with events.atomic():
            account = await ledger.lock_account(principal.brand_id, member.id)
            existing = await Purchase.filter(brand_id=principal.brand_id, channel=channel.value, order_id=order_id).first()
            if existing is not None:
                return _replay(existing, member.id, amount_minor, account.balance)
            eligible = amount_minor - (0 if rules.wallet_paid_earns else wallet_minor)
            points = await _earnable(rules, member, eligible_minor=eligible, occurred_at=occurred_at,
                                     timezone_name=zone,
                                     multiplier=await _multiplier(rules, program, member, occurred_at))
            purchase = await Purchase.create(
                brand_id=principal.brand_id, member_id=member.id, store_id=store.id, channel=channel.value,
                order_id=order_id, amount_minor=amount_minor, wallet_paid_minor=wallet_minor,
                points_earned=points, rule_version=rules.version, occurred_at=occurred_at,
            )
            if points > 0:
                await ledger.credit(
                    account, points, kind=LedgerKind.EARN,
                    expires_at=points_rules.expires_at(rules, occurred_at, zone),
                    move=ledger.Movement(
                        actor=audit.actor_of(principal), occurred_at=occurred_at, store_id=store.id,
                        purchase_id=purchase.id, rule_version=rules.version,
                        reason=f"{channel.value} order {order_id}",
                    ),
                )
            # The purchase that reaches a level lifts the member at once, in this transaction.
            upgrade = await tiers.qualify(principal.brand_id, member.id, spend_minor=amount_minor, at=occurred_at,
                                          program=program)
            if upgrade is not None and upgrade.welcome_points:
                await ledger.credit(
                    account, upgrade.welcome_points, kind=LedgerKind.EARN,
                    expires_at=points_rules.expires_at(rules, occurred_at, zone),
                    move=ledger.Movement(
                        actor=audit.actor_of(principal), occurred_at=occurred_at, store_id=store.id,
                        rule_version=rules.version, reason=f"welcome to tier level {upgrade.new_level}",
                    ),
                )
            return Accrual(purchase=purchase, points_earned=points, balance=account.balance, replayed=False)
    except IntegrityError:
        # The same order for another member's account committed first: answer as a replay.
        existing = await Purchase.filter(brand_id=principal.brand_id, channel=channel.value, order_id=order_id).first()
        if existing is None:
            raise
        account = await ledger.PointsAccount.filter(member_id=existing.member_id).first()
        return _replay(existing, member.id, amount_minor, account.balance if account else 0)


def _replay(existing: Purchase, member_id: int, amount_minor: int, balance: int) -> Accrual:
    if existing.member_id != member_id or existing.amount_minor != amount_minor:
        raise DomainError(
            PointsErrorCode.ORDER_CONFLICT, "This order id was recorded with another member or amount.", "orderId"
        )
    return Accrual(purchase=existing, points_earned=existing.points_earned, balance=balance, replayed=True)


async def refund_purchase(principal: Principal, *, order_id: str, channel: Channel, refund_id: str,
                          amount, now: datetime | None = None) -> Reversal:
    """Reverse the order's points in proportion to the refunded amount (cumulatively, so a full
    refund in parts reverses exactly what was earned). Points already spent become a debt."""
    order_id = validation.text(order_id, "orderId", max_length=64)
    refund_id = validation.text(refund_id, "refundId", max_length=64)
    amount_minor = validation.money_to_minor(amount, "amount", allow_zero=False)
    found = await Purchase.filter(brand_id=principal.brand_id, channel=channel.value, order_id=order_id).first()
    authorize(principal, "purchase", "refund", store_id=found.store_id if found else None)
    if found is None:
        raise DomainError(PointsErrorCode.PURCHASE_NOT_FOUND, "No such order.", "orderId")
    now = now or _now()
    async with events.atomic():
        account = await ledger.lock_account(principal.brand_id, found.member_id)
        purchase = await Purchase.filter(id=found.id).select_for_update().first()
        done = await PurchaseRefund.filter(purchase_id=purchase.id, refund_id=refund_id).first()
        if done is not None:
            if done.amount_minor != amount_minor:
                raise DomainError(PointsErrorCode.IDEMPOTENCY_CONFLICT, "This refund id had another amount.", "refundId")
            return Reversal(purchase, done.points_reversed, done.debt_added, account.balance, replayed=True)
        if purchase.refunded_minor + amount_minor > purchase.amount_minor:
            raise DomainError(
                PointsErrorCode.REFUND_EXCEEDS_PURCHASE, "More than what is left of the order.", "amount"
            )
        refunded = purchase.refunded_minor + amount_minor
        # Floor of the cumulative share: the last part of a full refund takes the remainder.
        target = purchase.points_earned * refunded // purchase.amount_minor
        points = target - purchase.points_reversed
        debt_before = account.debt
        if points > 0:
            await ledger.debit(
                account, points, kind=LedgerKind.REVERSE, now=now, allow_debt=True, purchase_first=purchase.id,
                move=ledger.Movement(
                    actor=audit.actor_of(principal), occurred_at=now, store_id=purchase.store_id,
                    purchase_id=purchase.id, rule_version=purchase.rule_version,
                    reason=f"refund {refund_id} of {channel.value} order {order_id}",
                ),
            )
        purchase.refunded_minor = refunded
        purchase.points_reversed = target
        await purchase.save(update_fields=["refunded_minor", "points_reversed"])
        debt_added = account.debt - debt_before
        await PurchaseRefund.create(purchase_id=purchase.id, refund_id=refund_id, amount_minor=amount_minor,
                                    points_reversed=points, debt_added=debt_added)
        return Reversal(purchase, points, debt_added, account.balance, replayed=False)
