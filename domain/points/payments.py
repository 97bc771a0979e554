"""Points as cash at checkout (积分抵现), at HQ's rate, up to a share of the order."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from tortoise.exceptions import IntegrityError
from domain import events

from domain.members.errors import MemberErrorCode
from domain.members.models import Member
from domain.points import ledger, rules as points_rules
from domain.points.errors import PointsErrorCode
from domain.points.models import LedgerKind, PointsPayment, PointsRules
from franchise import audit, validation
from franchise.errors import DomainError
from franchise.stores import require_store
from policies import Principal, authorize


@dataclass
class PointsCheckout:
    payment: PointsPayment
    balance: int
    replayed: bool


def amount_off_minor(rules: PointsRules, points: int) -> int:
    return points * rules.redeem_value_minor // rules.redeem_points


def _check(rules: PointsRules, points: int, order_minor: int) -> int:
    if not rules.redeem_enabled:
        raise DomainError(PointsErrorCode.POINTS_PAYMENT_OFF, "Points do not pay at checkout in this brand.", None)
    if points <= 0 or points < rules.redeem_min_points:
        raise DomainError(PointsErrorCode.BELOW_MINIMUM, f"At least {rules.redeem_min_points} points.", "points")
    if points % rules.redeem_points:
        raise DomainError(PointsErrorCode.INVALID_POINTS_STEP, f"Points pay in steps of {rules.redeem_points}.", "points")
    off = amount_off_minor(rules, points)
    if off * 100 > order_minor * rules.redeem_max_share_percent:
        raise DomainError(
            PointsErrorCode.EXCEEDS_MAX_SHARE,
            f"Points pay at most {rules.redeem_max_share_percent}% of an order.", "points",
        )
    return off


def most_points_for(rules: PointsRules, balance: int, order_minor: int) -> int:
    """The most points this order may take, by the balance, the share and the step: the
    "your points can take Y off" of an estimate."""
    if not rules.redeem_enabled:
        return 0
    by_share = order_minor * rules.redeem_max_share_percent // 100 * rules.redeem_points // rules.redeem_value_minor
    points = min(balance, by_share)
    points -= points % rules.redeem_points
    return points if points >= max(rules.redeem_min_points, 1) else 0


async def pay_with_points(principal: Principal, *, member_id: int, store_id: int, order_id: str,
                          order_amount, points: int, now: datetime | None = None) -> PointsCheckout:
    """Take points off the soonest-expiring lots for money off this order; once per order id."""
    authorize(principal, "points", "redeem", store_id=store_id)
    store = await require_store(principal, store_id)
    member = await Member.filter(id=member_id, brand_id=principal.brand_id).first()
    if member is None:
        raise DomainError(MemberErrorCode.MEMBER_NOT_FOUND, "No such member.", "memberId")
    order_id = validation.text(order_id, "orderId", max_length=64)
    order_minor = validation.money_to_minor(order_amount, "orderAmount", allow_zero=False)
    rules = await points_rules.current_rules(principal.brand_id)
    now = now or datetime.now(timezone.utc)
    try:
        async with events.atomic():
            account = await ledger.lock_account(principal.brand_id, member.id)
            existing = await PointsPayment.filter(brand_id=principal.brand_id, order_id=order_id).first()
            if existing is not None:
                return _replay(existing, member.id, points, account.balance)
            off = _check(rules, points, order_minor)
            entry = await ledger.debit(
                account, points, kind=LedgerKind.REDEEM, now=now,
                move=ledger.Movement(actor=audit.actor_of(principal), occurred_at=now, store_id=store.id,
                                     rule_version=rules.version, reason=f"points paid order {order_id}"),
            )
            payment = await PointsPayment.create(
                brand_id=principal.brand_id, member_id=member.id, store_id=store.id, order_id=order_id,
                order_amount_minor=order_minor, points=points, amount_off_minor=off, entry=entry,
            )
            return PointsCheckout(payment, account.balance, replayed=False)
    except IntegrityError:
        existing = await PointsPayment.filter(brand_id=principal.brand_id, order_id=order_id).first()
        if existing is None:
            raise
        return _replay(existing, member.id, points, (await ledger.PointsAccount.get(member_id=existing.member_id)).balance)


def _replay(existing: PointsPayment, member_id: int, points: int, balance: int) -> PointsCheckout:
    if existing.member_id != member_id or existing.points != points:
        raise DomainError(PointsErrorCode.ORDER_CONFLICT, "This order was paid with other points.", "orderId")
    return PointsCheckout(existing, balance, replayed=True)


async def refund_points_payment(principal: Principal, *, order_id: str, now: datetime | None = None) -> PointsCheckout:
    """The order is refunded: its points go back to the lots they came from, with their dates."""
    order_id = validation.text(order_id, "orderId", max_length=64)
    found = await PointsPayment.filter(brand_id=principal.brand_id, order_id=order_id).first()
    authorize(principal, "points", "refund_redeem", store_id=found.store_id if found else None)
    if found is None:
        raise DomainError(PointsErrorCode.PURCHASE_NOT_FOUND, "No points payment for this order.", "orderId")
    now = now or datetime.now(timezone.utc)
    async with events.atomic():
        account = await ledger.lock_account(principal.brand_id, found.member_id)
        payment = await PointsPayment.filter(id=found.id).select_for_update().first()
        if payment.refunded_at is not None:
            return PointsCheckout(payment, account.balance, replayed=True)
        spent = await payment.entry
        await ledger.return_to_lots(account, spent, move=ledger.Movement(
            actor=audit.actor_of(principal), occurred_at=now, store_id=payment.store_id,
            rule_version=spent.rule_version, reason=f"refund of points paid order {order_id}",
        ))
        payment.refunded_at = now
        await payment.save(update_fields=["refunded_at"])
        return PointsCheckout(payment, account.balance, replayed=False)
