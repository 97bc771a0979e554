"""Shopping guides: who assigned which guide to which member (history), the follow-ups guides
record, and the brand's task thresholds. A member's current guide is `Member.guide_id`."""

from __future__ import annotations

import enum

from tortoise import fields
from tortoise.models import Model


class TaskReason(str, enum.Enum):
    NEAR_NEXT_TIER = "NEAR_NEXT_TIER"  # within a share of the next level's threshold
    HIGH_POINTS_UNREDEEMED = "HIGH_POINTS_UNREDEEMED"  # a large balance and no redemption for a while
    POINTS_EXPIRING = "POINTS_EXPIRING"  # points lots expiring soon
    COUPON_EXPIRING = "COUPON_EXPIRING"  # unused coupons expiring soon
    DORMANT = "DORMANT"  # no purchase for a while


class ContactChannel(str, enum.Enum):
    PHONE = "PHONE"
    WECHAT = "WECHAT"
    SMS = "SMS"
    IN_STORE = "IN_STORE"
    OTHER = "OTHER"


class GuideAssignment(Model):
    # Append-only history: one row per change of a member's guide (guide None: unassigned).
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="guide_assignments", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="guide_assignments", on_delete=fields.RESTRICT)
    guide_id = fields.BigIntField(null=True)
    previous_guide_id = fields.BigIntField(null=True)
    store_id = fields.BigIntField()  # the member's home store when assigned
    assigned_by = fields.CharField(max_length=64)
    assigned_by_role = fields.CharField(max_length=32)
    segment_id = fields.BigIntField(null=True)  # a bulk assignment by segment
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "guide_assignment"
        indexes = (("member_id", "id"), ("brand_id", "guide_id"))


class GuideFollowUp(Model):
    # A contact a guide made for a task: the task is not listed again for its reason during the cool-down.
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="guide_follow_ups", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="guide_follow_ups", on_delete=fields.RESTRICT)
    guide_id = fields.BigIntField()
    store_id = fields.BigIntField()
    reason = fields.CharEnumField(TaskReason, max_length=24)
    channel = fields.CharEnumField(ContactChannel, max_length=16)
    note = fields.CharField(max_length=500, default="")
    recorded_by = fields.CharField(max_length=64)
    completed_at = fields.DatetimeField()

    class Meta:
        table = "guide_follow_up"
        indexes = (("member_id", "reason", "completed_at"), ("brand_id", "guide_id", "completed_at"))


class GuideSettings(Model):
    # One row per brand; a brand without one uses the defaults of domain/guides/settings.py.
    id = fields.BigIntField(primary_key=True)
    brand = fields.OneToOneField("loyalty.Brand", related_name="guide_settings", on_delete=fields.RESTRICT)
    near_tier_percent = fields.IntField(default=10)
    high_points_threshold = fields.BigIntField(default=5000)
    high_points_idle_days = fields.IntField(default=90)
    points_expiring_days = fields.IntField(default=30)
    coupon_expiring_days = fields.IntField(default=7)
    dormant_days = fields.IntField(default=60)
    cooldown_days = fields.IntField(default=30)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "guide_settings"
