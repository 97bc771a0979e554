"""The notification outbox: rows written in the transaction that decides to notify, sent
later by a pluggable sender, with retries and backoff."""

from __future__ import annotations

import enum

from tortoise import fields
from tortoise.models import Model


class NotificationStatus(str, enum.Enum):
    PENDING = "PENDING"
    SENT = "SENT"
    FAILED = "FAILED"  # gave up after the last attempt


class NotificationChannel(str, enum.Enum):
    WEBHOOK = "WEBHOOK"  # the brand's partner webhook (or the log when it has none)
    SMS = "SMS"
    WECHAT = "WECHAT"  # a WeChat template message
    APP_PUSH = "APP_PUSH"


class Notification(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="notifications", on_delete=fields.RESTRICT)
    member_id = fields.BigIntField(null=True)
    kind = fields.CharField(max_length=32)
    # Once per business event: e.g. "points-expiry:<member>:<date>".
    unique_key = fields.CharField(max_length=128)
    payload = fields.JSONField(default=dict)
    status = fields.CharEnumField(NotificationStatus, max_length=8, default=NotificationStatus.PENDING)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    last_error = fields.CharField(max_length=500, default="")
    sender = fields.CharField(max_length=16, default="")
    channel = fields.CharEnumField(NotificationChannel, max_length=8, default=NotificationChannel.WEBHOOK,
                                   db_default=NotificationChannel.WEBHOOK.value)
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "notification"
        unique_together = (("brand", "unique_key"),)
        indexes = (("status", "next_attempt_at"),)


class NotificationPreference(Model):
    """A member's opt-outs, per channel and for marketing (service notices still reach it)."""

    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="notification_preferences",
                                   on_delete=fields.RESTRICT)
    member = fields.OneToOneField("loyalty.Member", related_name="notification_preference",
                                  on_delete=fields.RESTRICT)
    sms_opt_out = fields.BooleanField(default=False)
    wechat_opt_out = fields.BooleanField(default=False)
    app_push_opt_out = fields.BooleanField(default=False)
    marketing_opt_out = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "notification_preference"
