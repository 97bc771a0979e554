"""Orders imported from public platforms and partner POS systems (every transaction is an
enrolment): each earns for its member, or waits as pending channel points for the phone."""

from __future__ import annotations

import enum

from tortoise import fields
from tortoise.models import Model


class ChannelOrderStatus(str, enum.Enum):
    ACCEPTED = "ACCEPTED"  # its member earned when it was imported
    PENDING = "PENDING"  # no member had the phone: its points wait for the phone to enrol
    CLAIMED = "CLAIMED"  # pending, then claimed when the phone enrolled


class ChannelOrder(Model):
    # One row per (brand, channel, external id): the unique index makes the import idempotent.
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="channel_orders", on_delete=fields.RESTRICT)
    channel = fields.CharField(max_length=16)
    external_id = fields.CharField(max_length=64)
    # E.164, normalised like Member.phone, so an enrolment finds its pending orders.
    phone = fields.CharField(max_length=20)
    amount_minor = fields.BigIntField()
    refunded_minor = fields.BigIntField(default=0)
    paid_at = fields.DatetimeField()
    store_id = fields.BigIntField(null=True)
    status = fields.CharEnumField(ChannelOrderStatus, max_length=8)
    member_id = fields.BigIntField(null=True)
    purchase_id = fields.BigIntField(null=True)
    # Pending orders only: what they earned at import, what refunds took back, and the lot's
    # expiry from the paid time, kept for the claim ("sync my past points").
    pending_earned = fields.BigIntField(default=0)
    pending_reversed = fields.BigIntField(default=0)
    expires_at = fields.DatetimeField(null=True)
    rule_version = fields.IntField(null=True)
    campaign_id = fields.BigIntField(null=True)
    # The import call that created the row: rows of a concurrent call are its duplicates.
    batch = fields.CharField(max_length=32)
    imported_by = fields.CharField(max_length=64)
    claimed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "channel_order"
        unique_together = (("brand", "channel", "external_id"),)
        indexes = (("brand_id", "phone", "status"),)
