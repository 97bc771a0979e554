"""HQ operators configure automations; an hq_admin approves the points budget of those that
grant points. Every change is audited (before -> after)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from domain.automations.errors import AutomationErrorCode
from domain.automations.messages import placeholders_of
from domain.automations.models import (
    Automation, AutomationAction, AutomationPeriod, AutomationTrigger, MemberEventKind,
)
from domain.coupons.models import CouponTemplate
from domain.notifications.models import NotificationChannel
from domain.segments.filters import load_saved_segment
from franchise import audit, validation
from franchise.errors import DomainError
from policies import Principal, Role, authorize

APPROVED = ("trigger", "trigger_params", "period", "period_days", "action", "action_params", "points_budget")
FIELDS = ("name", "trigger", "trigger_params", "action", "action_params", "period", "period_days", "active",
          "points_budget", "budget_approved_by")
MAX_DAYS = 3650
MAX_HOURS = 24 * 365
MAX_POINTS = 1_000_000
MAX_BUDGET = 1_000_000_000
# What each trigger reads from the input, beside the trigger itself.
TRIGGER_PARAMS = {
    AutomationTrigger.DORMANT_DAYS: ("days",),
    AutomationTrigger.POINTS_EXPIRING: ("days",),
    AutomationTrigger.REGISTERED_NO_ORDER: ("days",),
    AutomationTrigger.NEAR_NEXT_TIER: ("gap",),
    AutomationTrigger.BIRTHDAY: (),
    AutomationTrigger.COUPON_EXPIRING: ("days",),
    AutomationTrigger.EVENT: ("event_kind", "within_hours"),
    AutomationTrigger.EVENT_ABSENT: ("event_kind", "after_event_kind", "delay_hours"),
    AutomationTrigger.SEGMENT: ("segment_id",),
}


@dataclass
class AutomationInput:
    name: str
    trigger: AutomationTrigger
    action: AutomationAction
    period: AutomationPeriod
    period_days: int | None = None
    days: int | None = None
    gap: int | None = None
    event_kind: MemberEventKind | None = None
    after_event_kind: MemberEventKind | None = None
    within_hours: int | None = None
    delay_hours: int | None = None
    segment_id: int | None = None
    coupon_template_id: int | None = None
    points: int | None = None
    points_budget: int | None = None
    tag: str | None = None
    channel: NotificationChannel | None = None
    message: str | None = None
    marketing: bool = True
    active: bool = True


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(AutomationErrorCode.INVALID_AUTOMATION, message, field)


def _api(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _trigger_params(given: AutomationInput) -> dict:
    params: dict = {}
    bounds = {"days": (1, MAX_DAYS), "gap": (1, 10**12), "within_hours": (1, MAX_HOURS), "delay_hours": (1, MAX_HOURS)}
    for name in TRIGGER_PARAMS[given.trigger]:
        value = getattr(given, name)
        if value is None:
            raise _invalid(f"{given.trigger.value} needs {_api(name)}.", _api(name))
        if name in bounds:
            params[name] = validation.bounded_int(value, _api(name), low=bounds[name][0], high=bounds[name][1])
        elif name == "segment_id":
            params[name] = value  # checked by _checked against the brand's saved segments
        else:
            params[name] = MemberEventKind(value).value
    if given.trigger is AutomationTrigger.EVENT_ABSENT:
        if params["event_kind"] == params["after_event_kind"]:
            raise _invalid("The absent event differs from the one it follows.", "eventKind")
        if given.within_hours is not None:  # optional look-back: anchors older than this are ignored
            params["within_hours"] = validation.bounded_int(given.within_hours, "withinHours", low=1, high=MAX_HOURS)
    return params


async def _action_params(principal: Principal, given: AutomationInput) -> dict:
    match given.action:
        case AutomationAction.ISSUE_COUPON:
            if given.coupon_template_id is None or not await CouponTemplate.filter(
                    id=given.coupon_template_id, brand_id=principal.brand_id).exists():
                raise _invalid("No such coupon template.", "couponTemplateId")
            return {"coupon_template_id": given.coupon_template_id}
        case AutomationAction.GRANT_POINTS:
            if given.points is None:
                raise _invalid("GRANT_POINTS needs points.", "points")
            return {"points": validation.bounded_int(given.points, "points", low=1, high=MAX_POINTS)}
        case AutomationAction.ADD_TAG:
            return {"tag": validation.text(given.tag, "tag", max_length=32)}
        case AutomationAction.NOTIFY:
            message = validation.text(given.message, "message", max_length=500)
            placeholders_of(message)
            return {"channel": (given.channel or NotificationChannel.SMS).value, "message": message,
                    "marketing": bool(given.marketing)}
    raise ValueError(given.action)


async def _checked(principal: Principal, given: AutomationInput) -> dict:
    trigger_params = _trigger_params(given)
    if given.trigger is AutomationTrigger.SEGMENT:
        await load_saved_segment(principal.brand_id, trigger_params["segment_id"])  # SEGMENT_NOT_FOUND
    if given.period is AutomationPeriod.EVERY_N_DAYS:
        period_days = validation.bounded_int(given.period_days, "periodDays", low=1, high=MAX_DAYS) \
            if given.period_days is not None else None
        if period_days is None:
            raise _invalid("EVERY_N_DAYS needs periodDays.", "periodDays")
    else:
        period_days = None
    budget = 0
    if given.action is AutomationAction.GRANT_POINTS:
        if given.points_budget is None:
            raise _invalid("GRANT_POINTS needs a points budget.", "pointsBudget")
        budget = validation.bounded_int(given.points_budget, "pointsBudget", low=1, high=MAX_BUDGET)
    return {
        "name": validation.text(given.name, "name", max_length=100),
        "trigger": given.trigger, "trigger_params": trigger_params,
        "action": given.action, "action_params": await _action_params(principal, given),
        "period": given.period, "period_days": period_days, "active": bool(given.active),
        "points_budget": budget,
    }


def plain(automation: Automation) -> dict:
    return {f: (v.value if hasattr(v, "value") else v) for f in FIELDS for v in [getattr(automation, f)]}


def _is_admin(principal: Principal) -> bool:
    return principal.role is Role.HQ_ADMIN


async def upsert_automation(principal: Principal, given: AutomationInput, automation_id: int | None = None,
                            *, now: datetime | None = None) -> Automation:
    """Create an automation, or change one (by id). A points budget is approved by saving it as
    an hq_admin; an operator's change to what a GRANT_POINTS automation grants withdraws the
    approval until an hq_admin approves again."""
    authorize(principal, "automation", "write")
    values = await _checked(principal, given)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    async with in_transaction():
        if automation_id is None:
            automation = Automation(brand_id=principal.brand_id, created_by=audit.actor_of(principal))
            before: dict = {}
        else:
            automation = await Automation.filter(id=automation_id, brand_id=principal.brand_id) \
                .select_for_update().first()
            if automation is None:
                raise DomainError(AutomationErrorCode.AUTOMATION_NOT_FOUND, "No such automation.", "id")
            before = plain(automation)
        # What an approval covers: who is granted, how often, how much. Changing any of it needs a new one.
        granting = tuple(values[f] for f in APPROVED)
        was = tuple(getattr(automation, f) for f in APPROVED) if before else None
        automation.update_from_dict(values)
        if values["action"] is not AutomationAction.GRANT_POINTS:
            automation.budget_approved_by, automation.budget_approved_at = None, None
        elif _is_admin(principal):
            automation.budget_approved_by, automation.budget_approved_at = audit.actor_of(principal), now
        elif granting != was:
            automation.budget_approved_by, automation.budget_approved_at = None, None
        await automation.save()
        if changed := audit.diff(before, plain(automation)):
            await audit.record(principal, brand_id=principal.brand_id,
                               action="automation.create" if automation_id is None else "automation.update",
                               object_type="Automation", object_id=automation.id, changes=changed)
    return automation


async def approve_budget(principal: Principal, automation_id: int, points_budget: int,
                         *, now: datetime | None = None) -> Automation:
    """hq_admin only: the points a GRANT_POINTS automation may grant in all (never below what
    it has granted already)."""
    authorize(principal, "automation.budget", "approve")
    budget = validation.bounded_int(points_budget, "pointsBudget", low=1, high=MAX_BUDGET)
    async with in_transaction():
        automation = await Automation.filter(id=automation_id, brand_id=principal.brand_id) \
            .select_for_update().first()
        if automation is None:
            raise DomainError(AutomationErrorCode.AUTOMATION_NOT_FOUND, "No such automation.", "automationId")
        if automation.action is not AutomationAction.GRANT_POINTS:
            raise DomainError(AutomationErrorCode.NOT_GRANTING_POINTS, "This automation grants no points.",
                              "automationId")
        if budget < automation.points_granted:
            raise _invalid(f"{automation.points_granted} points are granted already.", "pointsBudget")
        before = plain(automation)
        automation.points_budget = budget
        automation.budget_approved_by = audit.actor_of(principal)
        automation.budget_approved_at = (now or datetime.now(UTC)).astimezone(UTC)
        await automation.save()
        await audit.record(principal, brand_id=principal.brand_id, action="automation.approve_budget",
                           object_type="Automation", object_id=automation.id,
                           changes=audit.diff(before, plain(automation)))
    return automation


def automations_query(principal: Principal, *, active: bool | None = None):
    authorize(principal, "automation", "read")
    query = Automation.filter(brand_id=principal.brand_id)
    if active is not None:
        query = query.filter(active=active)
    return query
