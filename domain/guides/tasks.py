"""A guide's follow-up list (导购任务): its members that a rule flags, with the reason, the
figures behind it and a suggested message. Each rule is one set-based query over the guide's
members (never a query per member), so a list costs the same few queries whatever its size.

Rules (thresholds per brand, domain/guides/settings.py):
- NEAR_NEXT_TIER: in the current evaluation period, the qualifying value is within
  `near_tier_percent` % of the next level's threshold (SPEND and GROWTH programmes; a period
  already ended waits for the evaluation job).
- HIGH_POINTS_UNREDEEMED: a balance of at least `high_points_threshold` points and no points
  redeemed (mall or checkout) for `high_points_idle_days` days.
- POINTS_EXPIRING: open points lots expiring within `points_expiring_days` days.
- COUPON_EXPIRING: unused coupons whose validity ends within `coupon_expiring_days` days.
- DORMANT: enrolled and without a purchase for `dormant_days` days.
A task completed (`complete_task`) is not listed again for that reason for `cooldown_days`
days; after that it is listed again if its condition still holds.

The guide is the caller (store staff), or named: a store manager names a guide of its store,
HQ any guide. A guide no longer active, or moved to another store, has an empty list; so do
members whose home store is no longer the guide's (see domain/guides/assignments.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.functions import Count, Max, Min, Sum

from domain.coupons.models import Coupon, CouponStatus
from domain.guides.assignments import GUIDE_ROLES, find_guide
from domain.guides.models import GuideFollowUp, GuideSettings, TaskReason
from domain.guides.settings import brand_guide_settings
from domain.members.models import Member
from domain.points.models import LedgerKind, PointsAccount, PointsLedgerEntry, PointsLot, Purchase
from domain.tiers.models import MemberTier, TierMode, TierProgram
from domain.tiers.service import levels_of
from franchise.errors import DomainError, FranchiseErrorCode
from franchise.models import Brand, Staff
from policies import NotAuthorized, Principal, PrincipalKind, Role, authorize

ORDER = {reason: index for index, reason in enumerate(TaskReason)}


@dataclass
class GuideTask:
    member_id: int
    reason: TaskReason
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple[int, int]:
        return ORDER[self.reason], self.member_id


@dataclass
class TaskList:
    guide: Staff
    tasks: list[GuideTask]  # sorted by reason (enum order), then member id
    currency: str = "CNY"
    tier_mode: TierMode | None = None
    timezone: str = "Asia/Shanghai"  # the brand's: suggested messages name local dates


def _utc(moment: datetime) -> datetime:
    # SQLite compares datetimes as the UTC text it stores; aggregates come back as text there.
    return moment.astimezone(UTC)


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


async def guide_for_tasks(principal: Principal, guide_id: int | None) -> Staff:
    """The caller itself, or the guide it names within its reach (a clerk: only itself)."""
    authorize(principal, "guide.task", "read")
    if principal.kind is not PrincipalKind.STAFF:
        raise NotAuthorized()  # partners have no guide lists
    if guide_id is None or guide_id == principal.staff_id:
        if principal.store_id is None:
            raise DomainError(FranchiseErrorCode.REQUIRED, "Name the guide.", "guideId")
        return await Staff.get(id=principal.staff_id)
    if principal.role is Role.STORE_CLERK:
        raise NotAuthorized()  # a clerk sees its own list only
    return await find_guide(principal, guide_id)


async def list_tasks(principal: Principal, *, guide_id: int | None = None, now: datetime | None = None) -> TaskList:
    guide = await guide_for_tasks(principal, guide_id)
    now = _utc(now or datetime.now(UTC))
    brand_id = guide.brand_id
    if not (guide.active and guide.role in GUIDE_ROLES and guide.store_id is not None):
        return TaskList(guide, [])
    settings = await brand_guide_settings(brand_id)
    members = Member.filter(brand_id=brand_id, guide_id=guide.id, home_store_id=guide.store_id)
    program = await TierProgram.filter(brand_id=brand_id).first()
    tasks = [
        *await near_next_tier(members, program, settings, now),
        *await high_points_unredeemed(members, settings, now),
        *await points_expiring(members, settings, now),
        *await coupons_expiring(members, settings, now),
        *await dormant(members, settings, now),
    ]
    cooling = set(await GuideFollowUp.filter(
        member_id__in=Subquery(members.values("id")),
        completed_at__gte=now - timedelta(days=settings.cooldown_days),
    ).values_list("member_id", "reason"))
    cooling = {(member_id, _reason(reason)) for member_id, reason in cooling}
    tasks = [t for t in tasks if (t.member_id, t.reason) not in cooling]
    brand = await Brand.get(id=brand_id)
    return TaskList(guide, sorted(tasks, key=lambda t: t.sort_key), brand.currency,
                    program.mode if program else None, brand.timezone)


def _reason(value: Any) -> TaskReason:
    return value if isinstance(value, TaskReason) else TaskReason(value)


async def near_next_tier(members, program: TierProgram | None, settings: GuideSettings,
                         now: datetime) -> list[GuideTask]:
    if program is None or program.mode is TierMode.STORED_VALUE:
        return []
    levels = levels_of(program)
    # level k's next level is k + 1 (levels are numbered without gaps): one OR of ranges.
    conditions = [
        Q(level=lv.level - 1, qualifying__gte=lv.threshold - lv.threshold * settings.near_tier_percent // 100,
          qualifying__lt=lv.threshold)
        for lv in levels if lv.threshold > 0
    ]
    if not conditions:
        return []
    rows = await MemberTier.filter(
        Q(*conditions, join_type="OR"), member_id__in=Subquery(members.values("id")), period_end__gt=now,
    ).values("member_id", "level", "qualifying")
    by_level = {lv.level: lv for lv in levels}
    return [
        GuideTask(row["member_id"], TaskReason.NEAR_NEXT_TIER, {
            "next_level": row["level"] + 1, "next_level_name": by_level[row["level"] + 1].name,
            "gap": by_level[row["level"] + 1].threshold - int(row["qualifying"])})
        for row in rows
    ]


async def high_points_unredeemed(members, settings: GuideSettings, now: datetime) -> list[GuideTask]:
    since = now - timedelta(days=settings.high_points_idle_days)
    rows = await PointsAccount.filter(
        member_id__in=Subquery(members.values("id")), balance__gte=settings.high_points_threshold,
    ).values_list("member_id", "balance")
    if not rows:
        return []
    # Two set queries and a set difference: PostgreSQL ran `NOT IN (ledger subquery)` as a
    # sub-plan per account (1.7 s for 2,000 guided members of 20,000), this takes milliseconds.
    # No brand filter: the members are the brand's, and on PostgreSQL a brand condition tempted
    # the planner into AND-ing the brand's whole (brand, idempotency key) index per member.
    redeemed = set(await PointsLedgerEntry.filter(
        kind=LedgerKind.REDEEM, occurred_at__gte=since,
        member_id__in=Subquery(members.values("id")),
    ).distinct().values_list("member_id", flat=True))
    return [GuideTask(member_id, TaskReason.HIGH_POINTS_UNREDEEMED,
                      {"points": int(balance), "idle_days": settings.high_points_idle_days})
            for member_id, balance in rows if member_id not in redeemed]


async def points_expiring(members, settings: GuideSettings, now: datetime) -> list[GuideTask]:
    rows = await PointsLot.filter(
        member_id__in=Subquery(members.values("id")), remaining__gt=0, expires_at__gt=now,
        expires_at__lte=now + timedelta(days=settings.points_expiring_days),
    ).annotate(total=Sum("remaining"), soonest=Min("expires_at")).group_by("member_id").values(
        "member_id", "total", "soonest")
    return [GuideTask(row["member_id"], TaskReason.POINTS_EXPIRING,
                      {"points": int(row["total"]), "expires_at": _as_datetime(row["soonest"])})
            for row in rows if int(row["total"] or 0) > 0]


async def coupons_expiring(members, settings: GuideSettings, now: datetime) -> list[GuideTask]:
    rows = await Coupon.filter(
        member_id__in=Subquery(members.values("id")), status=CouponStatus.UNUSED, valid_until__gt=now,
        valid_until__lte=now + timedelta(days=settings.coupon_expiring_days),
    ).annotate(count=Count("id"), soonest=Min("valid_until")).group_by("member_id").values(
        "member_id", "count", "soonest")
    return [GuideTask(row["member_id"], TaskReason.COUPON_EXPIRING,
                      {"coupons": int(row["count"]), "expires_at": _as_datetime(row["soonest"])})
            for row in rows]


async def dormant(members, settings: GuideSettings, now: datetime) -> list[GuideTask]:
    since = now - timedelta(days=settings.dormant_days)
    recent = Purchase.filter(occurred_at__gte=since, member_id__in=Subquery(members.values("id")))
    ids = await members.filter(created_at__lte=since).exclude(
        id__in=Subquery(recent.values("member_id"))).values_list("id", flat=True)
    if not ids:
        return []
    last = dict(await Purchase.filter(member_id__in=list(ids)).annotate(
        last=Max("occurred_at")).group_by("member_id").values_list("member_id", "last"))
    return [GuideTask(member_id, TaskReason.DORMANT,
                      {"days": settings.dormant_days, "last_purchase_at": _as_datetime(last.get(member_id))})
            for member_id in ids]
