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
    sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "notification"
        unique_together = (("brand", "unique_key"),)
        indexes = (("status", "next_attempt_at"),)
