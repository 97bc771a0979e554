"""The brand's tier programme and each member's standing in it."""

from __future__ import annotations

import enum

from tortoise import fields
from tortoise.models import Model


class TierMode(str, enum.Enum):
    SPEND = "SPEND"  # cumulative spend within the evaluation period
    GROWTH = "GROWTH"  # growth value from spend and activities
    STORED_VALUE = "STORED_VALUE"  # a single top-up of at least the threshold (wallet issue)


class TierProgram(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.OneToOneField("loyalty.Brand", related_name="tier_program", on_delete=fields.RESTRICT)
    mode = fields.CharEnumField(TierMode, max_length=16)
    evaluation_months = fields.IntField()
    # [{level, name, threshold, discount_percent, points_multiplier, birthday_points, welcome_points}]
    # sorted by level; threshold in minor units (SPEND, STORED_VALUE) or growth value (GROWTH).
    levels = fields.JSONField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "tier_program"


class MemberTier(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="member_tiers", on_delete=fields.RESTRICT)
    member = fields.OneToOneField("loyalty.Member", related_name="tier", on_delete=fields.RESTRICT)
    level = fields.IntField(default=0)  # 0: not in a tier yet
    # What counts toward the level in the current evaluation period.
    qualifying = fields.BigIntField(default=0)
    period_start = fields.DatetimeField()
    period_end = fields.DatetimeField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "member_tier"
