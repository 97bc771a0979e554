"""Per-guide figures for a store's report: sales credited to each guide (net of refunds),
orders, new members it enrolled, members assigned to it and tasks it completed, each one
grouped aggregate query.

Periods are the brand's local days, `start` to `end` inclusive. Decisions:
- sales: purchases at the store credited to the guide (`purchase.guide_id`) made in the period,
  less what has been refunded of them so far; orders: those purchases, refunded or not;
- new members: members of the store enrolled in the period by the guide (registerMember by
  that staff member, `member.registered_by_staff_id`);
- members assigned: the store's members whose current guide it is (now, not at `end`);
- tasks completed: follow-ups recorded for the guide at this store in the period.
Every active guide (clerk or manager) of the store is listed, and any other staff member with a
figure in the period (one deactivated since, say), ordered by name then id."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Q
from tortoise.functions import Count, Sum

from domain.guides.assignments import GUIDE_ROLES
from domain.guides.models import GuideFollowUp
from domain.members.models import Member
from domain.points.models import Purchase
from domain.points.rules import brand_timezone, local_days_bounds
from franchise.errors import invalid
from franchise.models import Staff
from franchise.stores import require_store
from policies import Principal, authorize

MAX_DAYS = 366 * 3
# Far enough for any report; beyond, local midnight would not convert (year 1, year 9999).
EARLIEST, LATEST = date(2000, 1, 1), date(2199, 12, 31)


@dataclass
class GuideFigures:
    guide_id: int
    guide_name: str
    active: bool
    sales_minor: int
    order_count: int
    new_members: int
    members_assigned: int
    tasks_completed: int


async def guide_figures(brand_id: int, store_id: int, start: date, end: date) -> list[GuideFigures]:
    """The figures of every guide of the store over the local days `start`..`end` (the caller
    has checked who may read them)."""
    since, until = local_days_bounds(start, end, await brand_timezone(brand_id))
    sales = await Purchase.filter(
        brand_id=brand_id, store_id=store_id, guide_id__isnull=False, occurred_at__gte=since, occurred_at__lt=until,
    ).annotate(amount=Sum("amount_minor"), refunded=Sum("refunded_minor"), orders=Count("id")).group_by(
        "guide_id").values("guide_id", "amount", "refunded", "orders")
    enrolled = await Member.filter(
        brand_id=brand_id, home_store_id=store_id, registered_by_staff_id__isnull=False,
        created_at__gte=since, created_at__lt=until,
    ).annotate(n=Count("id")).group_by("registered_by_staff_id").values_list("registered_by_staff_id", "n")
    assigned = await Member.filter(brand_id=brand_id, home_store_id=store_id, guide_id__isnull=False).annotate(
        n=Count("id")).group_by("guide_id").values_list("guide_id", "n")
    completed = await GuideFollowUp.filter(
        brand_id=brand_id, store_id=store_id, completed_at__gte=since, completed_at__lt=until,
    ).annotate(n=Count("id")).group_by("guide_id").values_list("guide_id", "n")

    figures: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in sales:
        totals = figures[row["guide_id"]]
        totals["sales_minor"] = int(row["amount"] or 0) - int(row["refunded"] or 0)
        totals["order_count"] = int(row["orders"] or 0)
    for name, rows in (("new_members", enrolled), ("members_assigned", assigned), ("tasks_completed", completed)):
        for staff_id, count in rows:
            figures[staff_id][name] = int(count or 0)
    staff = await Staff.filter(Q(store_id=store_id, role__in=GUIDE_ROLES, active=True) | Q(id__in=list(figures)),
                               brand_id=brand_id).order_by("name", "id")
    return [
        GuideFigures(guide_id=s.id, guide_name=s.name, active=s.active, **{
            name: figures.get(s.id, {}).get(name, 0)
            for name in ("sales_minor", "order_count", "new_members", "members_assigned", "tasks_completed")})
        for s in staff
    ]


async def guide_performance(principal: Principal, *, store_id: int, start: date, end: date) -> list[GuideFigures]:
    """guidePerformance: a store manager its own store's, HQ any store's."""
    authorize(principal, "guide.report", "read", store_id=store_id)
    store = await require_store(principal, store_id)
    if not (EARLIEST <= start <= LATEST and EARLIEST <= end <= LATEST):
        raise invalid(f"Dates are {EARLIEST} to {LATEST}.", "from")
    if end < start:
        raise invalid("The period ends before it starts.", "to")
    if (end - start).days > MAX_DAYS:
        raise invalid(f"At most {MAX_DAYS} days at once.", "to")
    return await guide_figures(store.brand_id, store.id, start, end)
