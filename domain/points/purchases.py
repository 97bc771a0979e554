"""Purchases earn points by HQ's rules; refunds reverse them in proportion."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timezone
from fractions import Fraction

from tortoise.exceptions import IntegrityError
from tortoise.functions import Sum
from domain import events

from domain.campaigns import selection
from domain.campaigns.models import Campaign
from domain.engagement import referrals
from domain.guides.credit import guide_for_sale
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


@dataclass
class EarningContext:
    """What an earning reads besides the member: loaded once per request or import batch."""

    rules: PointsRules
    zone: str
    program: TierProgram | None
    campaigns: selection.Campaigns


async def earning_context(brand_id: int, around: list[datetime]) -> EarningContext:
    zone = await points_rules.brand_timezone(brand_id)
    return EarningContext(
        rules=await points_rules.current_rules(brand_id), zone=zone,
        program=await TierProgram.filter(brand_id=brand_id).first(),
        campaigns=await selection.load_campaigns(brand_id, zone, around),
    )


@dataclass
class Shaping:
    multiplier: Fraction  # tier multiplier times the campaign's times the paid membership's
    campaign: Campaign | None
    growth_factor: Fraction  # growth acceleration (GROWTH tiers)


async def shaping(ctx: EarningContext, member: Member | None, store_id: int | None, at: datetime) -> Shaping:
    """The member's tier multiplier at `at` (its level before this purchase counts), its paid
    membership's multiplier and the campaigns that apply, as exact fractions (the points are
    rounded down once, at the end); a phone that is no member yet has no tier, membership or tags."""
    level = await tiers.current_level(ctx.program, member.id, at) if member else 0
    tier_factor = points_rules.multiplier_for(ctx.rules, level, tiers.multiplier_of(ctx.program, level))
    if member:
        tier_factor *= await paid_membership.points_multiplier(member.id, at)
    tags = await selection.member_tags(ctx.campaigns, member.id if member else None, store_id)
    campaign = selection.choose(ctx.campaigns, at=at, store_id=store_id, tier_level=level, tags=tags)
    growth = selection.choose(ctx.campaigns, at=at, store_id=store_id, tier_level=level, tags=tags, kind="growth")
    return Shaping(tier_factor * selection.factor(campaign), campaign, selection.factor(growth, "growth"))


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
    at = occurred_at or _now()
    ctx = await earning_context(principal.brand_id, [at])
    rules = ctx.rules
    eligible = amount_minor - (0 if rules.wallet_paid_earns else min(wallet_minor, amount_minor))
    points = await _earnable(rules, member, eligible_minor=eligible, occurred_at=at, timezone_name=ctx.zone,
                             multiplier=(await shaping(ctx, member, store_id, at)).multiplier)
    account = await PointsAccount.filter(member_id=member.id).first()
    usable = payments.most_points_for(rules, account.balance if account else 0, amount_minor)
    return Estimate(points, usable, payments.amount_off_minor(rules, usable))


async def record_purchase(principal: Principal, *, member_id: int, store_id: int, amount, order_id: str,
                          channel: Channel, occurred_at: datetime | None = None, wallet_paid=0,
                          guide_id: int | None = None) -> Accrual:
    """Earn for an order, once per (brand, channel, order id): a replay returns the first result.
    The purchase credits a shopping guide (domain/guides/credit.py)."""
    authorize(principal, "purchase", "record", store_id=store_id)
    store = await require_store(principal, store_id)
    member = await _member(principal, member_id)
    order_id = validation.text(order_id, "orderId", max_length=64)
    amount_minor = validation.money_to_minor(amount, "amount", allow_zero=False)
    wallet_minor = validation.money_to_minor(wallet_paid, "walletPaid")
    if wallet_minor > amount_minor:
        raise invalid("The wallet paid more than the order.", "walletPaid")
    occurred_at = occurred_at or _now()
    ctx = await earning_context(principal.brand_id, [occurred_at])
    try:
        async with events.atomic():
            account = await ledger.lock_account(principal.brand_id, member.id)
            existing = await Purchase.filter(brand_id=principal.brand_id, channel=channel.value, order_id=order_id).first()
            if existing is not None:
                return _replay(existing, member.id, amount_minor, account.balance)
            # After the replay check: a retried order answers as first recorded even if its guide
            # has left the store since.
            credited = await guide_for_sale(member, store.id, guide_id)
            return await accrue(account, member, ctx, store_id=store.id, channel=channel, order_id=order_id,
                                amount_minor=amount_minor, wallet_minor=wallet_minor, occurred_at=occurred_at,
                                actor=audit.actor_of(principal), guide_id=credited)
    except IntegrityError:
        # The same order for another member's account committed first: answer as a replay.
        existing = await Purchase.filter(brand_id=principal.brand_id, channel=channel.value, order_id=order_id).first()
        if existing is None:
            raise
        account = await ledger.PointsAccount.filter(member_id=existing.member_id).first()
        return _replay(existing, member.id, amount_minor, account.balance if account else 0)


async def accrue(account: PointsAccount, member: Member, ctx: EarningContext, *, store_id: int, channel: Channel,
                 order_id: str, amount_minor: int, wallet_minor: int, occurred_at: datetime, actor: str,
                 fixed_points: int | None = None, expires_at: datetime | None = None,
                 guide_id: int | None = None) -> Accrual:
    """The one place an order earns: the caller holds a transaction with the member's account
    locked and knows the order id is new. Points by HQ's rules, tier and campaign (or
    `fixed_points` computed at import for a claimed channel order, with its original expiry);
    the purchase counts toward the tier (upgrade at once) and rewards a referrer once."""
    rules = ctx.rules
    shaped = await shaping(ctx, member, store_id, occurred_at)
    if fixed_points is None:
        eligible = amount_minor - (0 if rules.wallet_paid_earns else wallet_minor)
        points = await _earnable(rules, member, eligible_minor=eligible, occurred_at=occurred_at,
                                 timezone_name=ctx.zone, multiplier=shaped.multiplier)
    else:
        points = fixed_points
    purchase = await Purchase.create(
        brand_id=member.brand_id, member_id=member.id, store_id=store_id, channel=channel.value,
        order_id=order_id, amount_minor=amount_minor, wallet_paid_minor=wallet_minor,
        points_earned=points, rule_version=rules.version, occurred_at=occurred_at, guide_id=guide_id,
    )
    if points > 0:
        await ledger.credit(
            account, points, kind=LedgerKind.EARN,
            expires_at=expires_at or points_rules.expires_at(rules, occurred_at, ctx.zone),
            move=ledger.Movement(
                actor=actor, occurred_at=occurred_at, store_id=store_id, purchase_id=purchase.id,
                rule_version=rules.version, reason=f"{channel.value} order {order_id}",
                campaign_id=shaped.campaign.id if shaped.campaign and fixed_points is None else None,
            ),
        )
    # The purchase that reaches a level lifts the member at once, in this transaction.
    upgrade = await tiers.qualify(member.brand_id, member.id, spend_minor=amount_minor, at=occurred_at,
                                  program=ctx.program, growth_factor=shaped.growth_factor)
    if upgrade is not None and upgrade.welcome_points:
        await ledger.credit(
            account, upgrade.welcome_points, kind=LedgerKind.EARN,
            expires_at=points_rules.expires_at(rules, occurred_at, ctx.zone),
            move=ledger.Movement(
                actor=actor, occurred_at=occurred_at, store_id=store_id,
                rule_version=rules.version, reason=f"welcome to tier level {upgrade.new_level}",
            ),
        )
    await referrals.reward_referrer(member, purchase, rules=rules, zone=ctx.zone, actor=actor)
    return Accrual(purchase=purchase, points_earned=points, balance=account.balance, replayed=False)


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
        return await reverse(account, purchase, refund_id=refund_id, amount_minor=amount_minor,
                             actor=audit.actor_of(principal), now=now)


async def reverse(account: PointsAccount, purchase: Purchase, *, refund_id: str, amount_minor: int, actor: str,
                  now: datetime) -> Reversal:
    """The one place a refund reverses points: the caller holds the member's account and the
    purchase locked. Once per refund id."""
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
                actor=actor, occurred_at=now, store_id=purchase.store_id,
                purchase_id=purchase.id, rule_version=purchase.rule_version,
                reason=f"refund {refund_id} of {purchase.channel} order {purchase.order_id}",
            ),
        )
    purchase.refunded_minor = refunded
    purchase.points_reversed = target
    await purchase.save(update_fields=["refunded_minor", "points_reversed"])
    debt_added = account.debt - debt_before
    await PurchaseRefund.create(purchase_id=purchase.id, refund_id=refund_id, amount_minor=amount_minor,
                                points_reversed=points, debt_added=debt_added)
    return Reversal(purchase, points, debt_added, account.balance, replayed=False)
