"""Which members a trigger selects now: a member query built of SQL conditions and subqueries,
so a brand of any size is never loaded into Python. The runner pages through it by id."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta

from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet

from domain.automations.models import Automation, AutomationTrigger, MemberEvent
from domain.automations.periods import local_day
from domain.coupons.models import Coupon, CouponStatus
from domain.members.models import Member
from domain.points.models import PointsLot, Purchase
from domain.segments.filters import load_saved_segment, member_ids_query
from domain.tiers.models import MemberTier, TierProgram
from domain.tiers.service import levels_of

OLDEST_BIRTH_YEAR = 1900


def _ids(query: QuerySet, field: str = "member_id") -> Subquery:
    return Subquery(query.values(field))


async def members_triggered(automation: Automation, *, now: datetime, timezone: str) -> QuerySet[Member]:
    """The brand's members the trigger selects at `now` (UTC-aware)."""
    brand_id = automation.brand_id
    params = automation.trigger_params
    members = Member.filter(brand_id=brand_id)
    match automation.trigger:
        case AutomationTrigger.DORMANT_DAYS:
            cutoff = now - timedelta(days=params["days"])
            recent = Purchase.filter(brand_id=brand_id, occurred_at__gt=cutoff)
            return members.filter(created_at__lte=cutoff).exclude(id__in=_ids(recent))
        case AutomationTrigger.REGISTERED_NO_ORDER:
            cutoff = now - timedelta(days=params["days"])
            return members.filter(created_at__lte=cutoff).exclude(id__in=_ids(Purchase.filter(brand_id=brand_id)))
        case AutomationTrigger.POINTS_EXPIRING:
            lots = PointsLot.filter(brand_id=brand_id, remaining__gt=0, expires_at__gt=now,
                                    expires_at__lte=now + timedelta(days=params["days"]))
            return members.filter(id__in=_ids(lots))
        case AutomationTrigger.COUPON_EXPIRING:
            coupons = Coupon.filter(brand_id=brand_id, status=CouponStatus.UNUSED, valid_until__gt=now,
                                    valid_until__lte=now + timedelta(days=params["days"]))
            return members.filter(id__in=_ids(coupons))
        case AutomationTrigger.NEAR_NEXT_TIER:
            return members.filter(id__in=_ids(await _near_next_tier(brand_id, params["gap"])))
        case AutomationTrigger.BIRTHDAY:
            return members.filter(birthday__in=_birthdays_on(local_day(now, timezone)))
        case AutomationTrigger.EVENT:
            events = MemberEvent.filter(brand_id=brand_id, kind=params["event_kind"], occurred_at__lte=now,
                                        occurred_at__gt=now - timedelta(hours=params["within_hours"]))
            return members.filter(id__in=_ids(events))
        case AutomationTrigger.EVENT_ABSENT:
            # "ORDER_DELIVERED at least `delay` ago, and no ORDER_REVIEWED with its reference".
            cutoff = now - timedelta(hours=params["delay_hours"])
            anchors = MemberEvent.filter(brand_id=brand_id, kind=params["after_event_kind"], occurred_at__lte=cutoff)
            if params.get("within_hours"):
                anchors = anchors.filter(occurred_at__gt=cutoff - timedelta(hours=params["within_hours"]))
            followed = MemberEvent.filter(brand_id=brand_id, kind=params["event_kind"])
            return members.filter(id__in=_ids(anchors.exclude(reference__in=_ids(followed, "reference"))))
        case AutomationTrigger.SEGMENT:
            # SEGMENT_NOT_FOUND (a DomainError) when the segment was deleted since
            flt = await load_saved_segment(brand_id, params["segment_id"])
            return await member_ids_query(brand_id, flt, now=now)
    raise ValueError(automation.trigger)


async def _near_next_tier(brand_id: int, gap: int) -> QuerySet[MemberTier]:
    """Standings within `gap` below the threshold of the level above their own."""
    program = await TierProgram.filter(brand_id=brand_id).first()
    levels = sorted(levels_of(program), key=lambda lv: lv.level) if program else []
    if not levels:
        return MemberTier.filter(brand_id=brand_id, level=-1)  # no programme: nobody
    conditions, below = [], 0
    for level in levels:
        conditions.append(Q(level=below, qualifying__gte=max(level.threshold - gap, 0),
                            qualifying__lt=level.threshold))
        below = level.level
    return MemberTier.filter(brand_id=brand_id).filter(Q(*conditions, join_type="OR"))


def _birthdays_on(today: date) -> list[date]:
    """Every birth date celebrated today, as equality on the column (portable SQL: no
    month/day extraction functions differ between SQLite and PostgreSQL). 29 February is
    celebrated on 28 February in other years."""
    days = []
    for year in range(OLDEST_BIRTH_YEAR, today.year + 1):
        if today.month == 2 and today.day == 29 and not calendar.isleap(year):
            continue
        days.append(date(year, today.month, today.day))
        if (today.month, today.day) == (2, 28) and not calendar.isleap(today.year) and calendar.isleap(year):
            days.append(date(year, 2, 29))
    return days
