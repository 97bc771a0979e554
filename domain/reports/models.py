"""What the POS tells us about sales to non-members: one end-of-day figure per store and day."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class GuestSales(Model):
    # A store's sales to guests (non-members) on one business day, in the brand's time zone.
    # A later report for the same day replaces the figures (the POS corrected its day).
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="guest_sales", on_delete=fields.RESTRICT)
    store = fields.ForeignKeyField("loyalty.Store", related_name="guest_sales", on_delete=fields.RESTRICT)
    business_date = fields.DateField()
    orders = fields.IntField()
    amount_minor = fields.BigIntField()
    idempotency_key = fields.CharField(max_length=128)
    # The reports this one replaced ({key, orders, amount_minor}): a late retry of one of them is
    # a replay, never a correction that would put the old figures back.
    earlier_reports = fields.JSONField(null=True)  # null: none yet (rows from before 0014)
    recorded_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "guest_sales"
        unique_together = (("store", "business_date"),)
        indexes = (("brand_id", "business_date"),)
