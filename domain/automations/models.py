"""Automations (trigger -> action, at most once per member per period), the firings that make
"once" a database fact, and the partner events that triggers read."""

from __future__ import annotations

import enum

from tortoise import fields
from tortoise.models import Model


class AutomationTrigger(str, enum.Enum):
    DORMANT_DAYS = "DORMANT_DAYS"  # no purchase for `days` (and a member for at least that long)
    POINTS_EXPIRING = "POINTS_EXPIRING"  # points of a lot expire within `days`
    REGISTERED_NO_ORDER = "REGISTERED_NO_ORDER"  # enrolled `days` ago or more, never bought
    NEAR_NEXT_TIER = "NEAR_NEXT_TIER"  # within `gap` of the next level's threshold
    BIRTHDAY = "BIRTHDAY"  # today (brand-local) is the member's birthday
    COUPON_EXPIRING = "COUPON_EXPIRING"  # an unused coupon expires within `days`
    EVENT = "EVENT"  # a partner event of `event_kind` within the last `within_hours`
    EVENT_ABSENT = "EVENT_ABSENT"  # `after_event_kind` `delay_hours` ago, no `event_kind` with its reference
    SEGMENT = "SEGMENT"  # the members of a saved segment (`segment_id`)


class AutomationAction(str, enum.Enum):
    ISSUE_COUPON = "ISSUE_COUPON"
    GRANT_POINTS = "GRANT_POINTS"
    ADD_TAG = "ADD_TAG"
    NOTIFY = "NOTIFY"


class AutomationPeriod(str, enum.Enum):
    ONCE = "ONCE"  # once per member, ever
    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"
    YEARLY = "YEARLY"
    EVERY_N_DAYS = "EVERY_N_DAYS"  # `period_days` brand-local days per period


class Automation(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="automations", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=100)
    trigger = fields.CharEnumField(AutomationTrigger, max_length=24)
    # {days, gap, event_kind, after_event_kind, within_hours, delay_hours, segment_id}: what the trigger reads.
    trigger_params = fields.JSONField(default=dict)
    action = fields.CharEnumField(AutomationAction, max_length=16)
    # {coupon_template_id, points, tag, channel, message, marketing}: what the action needs.
    action_params = fields.JSONField(default=dict)
    period = fields.CharEnumField(AutomationPeriod, max_length=16)
    period_days = fields.IntField(null=True)
    active = fields.BooleanField(default=True)
    # GRANT_POINTS: the points all firings together may grant, once an hq_admin approved it.
    points_budget = fields.BigIntField(default=0)
    points_granted = fields.BigIntField(default=0)
    budget_approved_by = fields.CharField(max_length=64, null=True)
    budget_approved_at = fields.DatetimeField(null=True)
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    last_run_at = fields.DatetimeField(null=True)

    class Meta:
        table = "automation"
        indexes = (("brand_id", "active"),)


class AutomationFiring(Model):
    """One row per (automation, member, period key), inserted in the transaction of the action:
    the UNIQUE key is what stops two workers racing from firing twice."""

    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="automation_firings", on_delete=fields.RESTRICT)
    automation = fields.ForeignKeyField("loyalty.Automation", related_name="firings", on_delete=fields.RESTRICT)
    member_id = fields.BigIntField()
    period_key = fields.CharField(max_length=32)
    # What the action did: DONE, or the code of the reason it could not (e.g. COUPON_LIMIT_REACHED).
    outcome = fields.CharField(max_length=32, default="DONE")
    fired_at = fields.DatetimeField()

    class Meta:
        table = "automation_firing"
        unique_together = (("automation", "member_id", "period_key"),)


class MemberEventKind(str, enum.Enum):
    CART_ABANDONED = "CART_ABANDONED"
    ORDER_DELIVERED = "ORDER_DELIVERED"
    ORDER_REVIEWED = "ORDER_REVIEWED"
    PAGE_VIEWED = "PAGE_VIEWED"


class MemberEvent(Model):
    """What a partner told us a member did, once per (brand, kind, reference)."""

    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="member_events", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="events", on_delete=fields.RESTRICT)
    kind = fields.CharEnumField(MemberEventKind, max_length=16)
    reference = fields.CharField(max_length=128)
    occurred_at = fields.DatetimeField()
    recorded_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "member_event"
        unique_together = (("brand", "kind", "reference"),)
        indexes = (("brand_id", "kind", "occurred_at"),)
