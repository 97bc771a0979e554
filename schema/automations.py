"""Automations (trigger -> action, once per member per period), partner member events, and
members' notification preferences."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.types import Info

from domain.automations.models import (
    AutomationAction as AutomationActionEnum,
    AutomationPeriod as AutomationPeriodEnum,
    AutomationTrigger as AutomationTriggerEnum,
    MemberEventKind as MemberEventKindEnum,
)
from domain.notifications.models import NotificationChannel as NotificationChannelEnum
from resolvers import automations as resolvers
from schema.common import PageInfo, UserError
from schema.notifications import NotificationChannel

AutomationTrigger = strawberry.enum(AutomationTriggerEnum, name="AutomationTrigger")
AutomationAction = strawberry.enum(AutomationActionEnum, name="AutomationAction")
AutomationPeriod = strawberry.enum(AutomationPeriodEnum, name="AutomationPeriod",
                                   description="Each automation fires at most once per member per period "
                                               "(brand-local days).")
MemberEventKind = strawberry.enum(MemberEventKindEnum, name="MemberEventKind")


def _id(value) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(str(value))


@strawberry.type
class Automation:
    id: strawberry.ID
    name: str
    trigger: AutomationTrigger  # type: ignore[valid-type]
    action: AutomationAction  # type: ignore[valid-type]
    period: AutomationPeriod  # type: ignore[valid-type]
    period_days: int | None
    active: bool
    points_budget: int = strawberry.field(description="GRANT_POINTS: the points all firings may grant.")
    points_granted: int
    budget_approved_at: datetime.datetime | None = strawberry.field(
        description="GRANT_POINTS fires only once an hq_admin approved the budget.")
    last_run_at: datetime.datetime | None
    created_at: datetime.datetime

    def _trigger(self, name: str):
        return self.trigger_params.get(name)  # type: ignore[attr-defined]

    def _action(self, name: str):
        return self.action_params.get(name)  # type: ignore[attr-defined]

    @strawberry.field
    def days(self) -> int | None:
        return Automation._trigger(self, "days")

    @strawberry.field
    def gap(self) -> int | None:
        return Automation._trigger(self, "gap")

    @strawberry.field
    def event_kind(self) -> MemberEventKind | None:  # type: ignore[valid-type]
        kind = Automation._trigger(self, "event_kind")
        return MemberEventKindEnum(kind) if kind else None

    @strawberry.field
    def after_event_kind(self) -> MemberEventKind | None:  # type: ignore[valid-type]
        kind = Automation._trigger(self, "after_event_kind")
        return MemberEventKindEnum(kind) if kind else None

    @strawberry.field
    def within_hours(self) -> int | None:
        return Automation._trigger(self, "within_hours")

    @strawberry.field
    def delay_hours(self) -> int | None:
        return Automation._trigger(self, "delay_hours")

    @strawberry.field
    def segment_id(self) -> strawberry.ID | None:
        return _id(Automation._trigger(self, "segment_id"))

    @strawberry.field
    def coupon_template_id(self) -> strawberry.ID | None:
        return _id(Automation._action(self, "coupon_template_id"))

    @strawberry.field
    def points(self) -> int | None:
        return Automation._action(self, "points")

    @strawberry.field
    def tag(self) -> str | None:
        return Automation._action(self, "tag")

    @strawberry.field
    def channel(self) -> NotificationChannel | None:  # type: ignore[valid-type]
        channel = Automation._action(self, "channel")
        return NotificationChannelEnum(channel) if channel else None

    @strawberry.field
    def message(self) -> str | None:
        return Automation._action(self, "message")

    @strawberry.field
    def marketing(self) -> bool | None:
        return Automation._action(self, "marketing")


@strawberry.type
class AutomationEdge:
    cursor: str
    node: Automation


@strawberry.type
class AutomationConnection:
    edges: list[AutomationEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class UpsertAutomationInput:
    id: strawberry.ID | None = strawberry.field(default=None, description="Change this automation; none creates one.")
    name: str
    trigger: AutomationTrigger  # type: ignore[valid-type]
    action: AutomationAction  # type: ignore[valid-type]
    period: AutomationPeriod  # type: ignore[valid-type]
    period_days: int | None = strawberry.field(default=None, description="EVERY_N_DAYS: the days of a period.")
    days: int | None = strawberry.field(default=None, description="DORMANT_DAYS, POINTS_EXPIRING, "
                                        "REGISTERED_NO_ORDER, COUPON_EXPIRING.")
    gap: int | None = strawberry.field(default=None, description="NEAR_NEXT_TIER: how far below the next "
                                       "threshold (minor units or growth value).")
    event_kind: MemberEventKind | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="EVENT: the event; EVENT_ABSENT: the event that did not follow.")
    after_event_kind: MemberEventKind | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="EVENT_ABSENT: the event it should have followed.")
    within_hours: int | None = strawberry.field(default=None, description="EVENT: how recent; EVENT_ABSENT: "
                                                "optional look-back beyond the delay.")
    delay_hours: int | None = strawberry.field(default=None, description="EVENT_ABSENT: how long to wait.")
    segment_id: strawberry.ID | None = strawberry.field(default=None, description="SEGMENT: a saved segment.")
    coupon_template_id: strawberry.ID | None = None
    points: int | None = strawberry.field(default=None, description="GRANT_POINTS: points per member.")
    points_budget: int | None = strawberry.field(default=None, description="GRANT_POINTS: the points all "
                                                 "firings may grant; an hq_admin approves it.")
    tag: str | None = None
    channel: NotificationChannel | None = strawberry.field(default=None, description="NOTIFY: SMS unless given.")  # type: ignore[valid-type]
    message: str | None = strawberry.field(default=None, description="NOTIFY: text with placeholders {name}, "
                                           "{points}, {expiring_points}, {expiry_date}, {brand}.")
    marketing: bool = strawberry.field(default=True, description="NOTIFY: a marketing message (members who "
                                       "opted out of marketing are skipped).")
    active: bool = True


@strawberry.type
class AutomationPayload:
    automation: Automation | None = None
    errors: list[UserError]


@strawberry.input
class ApproveAutomationBudgetInput:
    automation_id: strawberry.ID
    points_budget: int


@strawberry.input
class RunAutomationsInput:
    automation_id: strawberry.ID | None = strawberry.field(default=None,
                                                           description="One automation; none: every active one.")
    dry_run: bool = strawberry.field(default=False, description="Count and sample who would be hit; change nothing.")


@strawberry.type
class AutomationSampleMember:
    name: str | None
    masked_phone: str

    @strawberry.field
    def member_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.member_id))  # type: ignore[attr-defined]


@strawberry.type
class AutomationFailure:
    reason: str
    members: int


@strawberry.type
class AutomationRun:
    automation: Automation
    dry_run: bool
    period_key: str
    candidates: int = strawberry.field(description="Members hit now, not yet fired this period, not opted out.")
    skipped_opt_out: int
    fired: int
    blocked: str | None = strawberry.field(description="BUDGET_NOT_APPROVED, BUDGET_EXHAUSTED, or "
                                                       "SEGMENT_NOT_FOUND (its saved segment was deleted).")
    sample: list[AutomationSampleMember]

    @strawberry.field(description="Members the action could not serve this period (their firing records why).")
    def failed(self) -> int:
        return sum(self.failed.values())  # type: ignore[attr-defined]

    @strawberry.field(description="Those members by reason, e.g. COUPON_LIMIT_REACHED.")
    def failures(self) -> list[AutomationFailure]:
        return [AutomationFailure(reason=reason, members=count)
                for reason, count in sorted(self.failed.items())]  # type: ignore[attr-defined]


@strawberry.type
class RunAutomationsPayload:
    runs: list[AutomationRun] | None = None
    errors: list[UserError]


@strawberry.input
class RecordMemberEventInput:
    member_id: strawberry.ID
    kind: MemberEventKind  # type: ignore[valid-type]
    reference: str = strawberry.field(description="The partner's id of what happened (an order id); "
                                      "idempotent per kind and reference.")
    occurred_at: datetime.datetime | None = None


@strawberry.type
class MemberEvent:
    id: strawberry.ID
    kind: MemberEventKind  # type: ignore[valid-type]
    reference: str
    occurred_at: datetime.datetime

    @strawberry.field
    def member_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.member_id))  # type: ignore[attr-defined]


@strawberry.type
class MemberEventPayload:
    event: MemberEvent | None = None
    replayed: bool = False
    errors: list[UserError]


@strawberry.type
class NotificationPreferences:
    sms_opt_out: bool
    wechat_opt_out: bool
    app_push_opt_out: bool
    marketing_opt_out: bool

    @strawberry.field
    def member_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.member_id))  # type: ignore[attr-defined]


@strawberry.input
class UpdateNotificationPreferencesInput:
    sms_opt_out: bool | None = None
    wechat_opt_out: bool | None = None
    app_push_opt_out: bool | None = None
    marketing_opt_out: bool | None = None


@strawberry.type
class NotificationPreferencesPayload:
    preferences: NotificationPreferences | None = None
    errors: list[UserError]


@strawberry.type
class AutomationsQuery:
    @strawberry.field(description="HQ: the brand's automations, newest first.")
    async def automations(self, info: Info, active: bool | None = None, first: int = 20,
                          after: str | None = None) -> AutomationConnection:
        return await resolvers.automations(info, active, first, after)  # type: ignore[return-value]

    @strawberry.field(description="A member's opt-outs: the member's own, or any member's for HQ.")
    async def notification_preferences(self, info: Info, member_id: strawberry.ID | None = None
                                       ) -> NotificationPreferences:
        return await resolvers.notification_preferences(info, member_id)  # type: ignore[return-value]


@strawberry.type
class AutomationsMutation:
    @strawberry.mutation(description="HQ operators create or change an automation (audited).")
    async def upsert_automation(self, info: Info, input: UpsertAutomationInput) -> AutomationPayload:
        return AutomationPayload(**await resolvers.upsert_automation(info, input))

    @strawberry.mutation(description="hq_admin: approve the points budget of a GRANT_POINTS automation.")
    async def approve_automation_budget(self, info: Info, input: ApproveAutomationBudgetInput) -> AutomationPayload:
        return AutomationPayload(**await resolvers.approve_automation_budget(info, input))

    @strawberry.mutation(description="HQ operators run automations now, or dry-run them.")
    async def run_automations(self, info: Info, input: RunAutomationsInput) -> RunAutomationsPayload:
        return RunAutomationsPayload(**await resolvers.run_automations(info, input))

    @strawberry.mutation(description="Partners (events:write) report what a member did, for automations.")
    async def record_member_event(self, info: Info, input: RecordMemberEventInput) -> MemberEventPayload:
        return MemberEventPayload(**await resolvers.record_member_event(info, input))

    @strawberry.mutation(description="A member opts out of (or back into) notification channels or marketing.")
    async def update_notification_preferences(self, info: Info, input: UpdateNotificationPreferencesInput
                                              ) -> NotificationPreferencesPayload:
        return NotificationPreferencesPayload(**await resolvers.update_notification_preferences(info, input))
