"""Automations, partner member events and notification preferences: thin adapters."""

from __future__ import annotations

from typing import Any

from domain.automations import member_events, runner, service
from domain.automations.models import AutomationAction, AutomationPeriod, AutomationTrigger, MemberEventKind
from domain.notifications import preferences
from domain.notifications.models import NotificationChannel
from resolvers.errors import attempt, parse_id, parse_optional_id
from resolvers.pagination import Page, paginate


def _enum(kind, value):
    return None if value is None else kind(value.value if hasattr(value, "value") else value)


async def upsert_automation(info, input: Any) -> dict:
    async def work():
        given = service.AutomationInput(
            name=input.name, trigger=_enum(AutomationTrigger, input.trigger),
            action=_enum(AutomationAction, input.action), period=_enum(AutomationPeriod, input.period),
            period_days=input.period_days, days=input.days, gap=input.gap,
            event_kind=_enum(MemberEventKind, input.event_kind),
            after_event_kind=_enum(MemberEventKind, input.after_event_kind),
            within_hours=input.within_hours, delay_hours=input.delay_hours,
            segment_id=parse_optional_id(input.segment_id, "segmentId"),
            coupon_template_id=parse_optional_id(input.coupon_template_id, "couponTemplateId"),
            points=input.points, points_budget=input.points_budget, tag=input.tag,
            channel=_enum(NotificationChannel, input.channel), message=input.message, marketing=input.marketing,
            active=input.active)
        automation = await service.upsert_automation(info.context.principal, given,
                                                     automation_id=parse_optional_id(input.id, "id"))
        return {"automation": automation}

    return await attempt(work())


async def approve_automation_budget(info, input: Any) -> dict:
    async def work():
        automation = await service.approve_budget(info.context.principal, parse_id(input.automation_id, "automationId"),
                                                  input.points_budget)
        return {"automation": automation}

    return await attempt(work())


async def run_automations(info, input: Any) -> dict:
    async def work():
        runs = await runner.run_automations(info.context.principal, dry_run=input.dry_run,
                                            automation_id=parse_optional_id(input.automation_id, "automationId"))
        return {"runs": runs}

    return await attempt(work())


async def automations(info, active: bool | None, first: int, after: str | None) -> Page:
    return await paginate(service.automations_query(info.context.principal, active=active), first=first, after=after)


async def record_member_event(info, input: Any) -> dict:
    async def work():
        recorded = await member_events.record_member_event(
            info.context.principal, member_id=parse_id(input.member_id, "memberId"),
            kind=_enum(MemberEventKind, input.kind), reference=input.reference, occurred_at=input.occurred_at)
        return {"event": recorded.event, "replayed": recorded.replayed}

    return await attempt(work())


async def notification_preferences(info, member_id: Any) -> preferences.Preferences:
    # A member of another brand is MEMBER_NOT_FOUND, a top-level error with that code.
    return await preferences.get_preferences(info.context.principal, parse_optional_id(member_id, "memberId"))


async def update_notification_preferences(info, input: Any) -> dict:
    async def work():
        prefs = await preferences.update_preferences(
            info.context.principal, sms_opt_out=input.sms_opt_out, wechat_opt_out=input.wechat_opt_out,
            app_push_opt_out=input.app_push_opt_out, marketing_opt_out=input.marketing_opt_out)
        return {"preferences": prefs}

    return await attempt(work())
