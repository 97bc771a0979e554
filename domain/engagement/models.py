"""Engagement: daily check-ins, activities that earn, the community feed, and the brand's
engagement settings (streak bonus, expiry reminders, campaign rule, partner webhook)."""

from __future__ import annotations

import enum

from tortoise import fields
from tortoise.models import Model


class CampaignRule(str, enum.Enum):
    HIGHEST = "HIGHEST"  # the applicable campaign with the highest multiplier shapes the earning
    PRIORITY = "PRIORITY"  # the applicable campaign with the highest priority (then the newest)


class EngagementSettings(Model):
    # One row per brand; a brand without one uses the defaults of domain/engagement/settings.py.
    id = fields.BigIntField(primary_key=True)
    brand = fields.OneToOneField("loyalty.Brand", related_name="engagement_settings", on_delete=fields.RESTRICT)
    streak_days = fields.IntField(default=7)
    streak_bonus = fields.IntField(default=0)
    expiry_reminder_days = fields.IntField(default=7)
    campaign_rule = fields.CharEnumField(CampaignRule, max_length=16, default=CampaignRule.HIGHEST)
    webhook_url = fields.CharField(max_length=500, null=True)
    webhook_secret = fields.CharField(max_length=128, null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "engagement_settings"


class CheckIn(Model):
    # Once per member per local day: the unique index decides between concurrent check-ins.
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="check_ins", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="check_ins", on_delete=fields.RESTRICT)
    day = fields.DateField()
    store_id = fields.BigIntField(null=True)
    streak = fields.IntField()
    points = fields.BigIntField()
    bonus = fields.BigIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "check_in"
        unique_together = (("member", "day"),)


class ActivityRecord(Model):
    # One row per (member, activity, reference): a replayed activity earns nothing twice.
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="activities", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="activities", on_delete=fields.RESTRICT)
    activity = fields.CharField(max_length=16)
    reference = fields.CharField(max_length=128)
    day = fields.DateField()
    points = fields.BigIntField()
    actor = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "activity_record"
        unique_together = (("member", "activity", "reference"),)
        indexes = (("member_id", "activity", "day"),)


class Post(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="posts", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="posts", on_delete=fields.RESTRICT)
    store_id = fields.BigIntField(null=True)
    text = fields.CharField(max_length=2000)
    image_urls = fields.JSONField(default=list)
    tags = fields.JSONField(default=list)
    hidden = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "post"
        indexes = (("brand_id", "store_id", "id"),)


class PostComment(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="post_comments", on_delete=fields.RESTRICT)
    post = fields.ForeignKeyField("loyalty.Post", related_name="comments", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="post_comments", on_delete=fields.RESTRICT)
    text = fields.CharField(max_length=1000)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "post_comment"


class Referral(Model):
    # The referrer's reward for a referee's first purchase: once per referee (unique).
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="referral_rewards", on_delete=fields.RESTRICT)
    referee = fields.OneToOneField("loyalty.Member", related_name="referral_reward", on_delete=fields.RESTRICT)
    referrer_id = fields.BigIntField()
    purchase_id = fields.BigIntField()
    points = fields.BigIntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "referral_reward"
