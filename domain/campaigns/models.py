"""Campaigns: points multipliers and growth acceleration for a time, a place and a crowd."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Campaign(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="campaigns", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=100)
    # Decimal strings with two decimals at most, 1 to 10 (1: no change).
    points_multiplier = fields.CharField(max_length=8, default="1")
    growth_multiplier = fields.CharField(max_length=8, default="1")
    # Local dates in the brand's time zone, both included.
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    # ISO weekdays 1 (Monday) to 7; empty: every day ("member day" = one weekday).
    weekdays = fields.JSONField(default=list)
    # Empty lists: no restriction.
    store_ids = fields.JSONField(default=list)
    tier_levels = fields.JSONField(default=list)
    member_tags = fields.JSONField(default=list)
    priority = fields.IntField(default=0)
    active = fields.BooleanField(default=True)
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "campaign"
        indexes = (("brand_id", "ends_on"),)
