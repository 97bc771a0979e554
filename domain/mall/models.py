"""The points mall: items members redeem with points, their stock ledger, and redemptions."""

from __future__ import annotations

import enum

from tortoise import fields
from tortoise.models import Model


class MallItemKind(str, enum.Enum):
    PICKUP = "PICKUP"  # collected in a store with a verification code
    COUPON = "COUPON"  # issues a coupon of a template at once
    VIRTUAL = "VIRTUAL"  # a benefit, given at once


class RedemptionState(str, enum.Enum):
    PENDING = "PENDING"  # a pickup waiting to be collected
    COLLECTED = "COLLECTED"  # verified at a store (核销)
    COMPLETED = "COMPLETED"  # a coupon or virtual item, done at once
    CANCELLED = "CANCELLED"  # points and stock returned


class StockReason(str, enum.Enum):
    RESTOCK = "RESTOCK"  # HQ set the stock (the difference is recorded)
    REDEEM = "REDEEM"
    RETURN = "RETURN"  # a cancelled redemption's stock back


class MallItem(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="mall_items", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=100)
    description = fields.CharField(max_length=500, default="")
    kind = fields.CharEnumField(MallItemKind, max_length=8)
    points_price = fields.BigIntField()
    cash_minor = fields.BigIntField(default=0)  # the money part of "points + money", paid at pickup
    # None: unlimited. Otherwise stock = sum of its stock movements, never below zero.
    stock = fields.BigIntField(null=True)
    per_member_limit = fields.IntField(null=True)  # units per member within limit_period_days
    limit_period_days = fields.IntField(null=True)  # None: for ever
    eligible_tiers = fields.JSONField(default=list)  # empty: every member, tier or not
    eligible_store_ids = fields.JSONField(default=list)  # empty: every store
    sale_starts_at = fields.DatetimeField(null=True)
    sale_ends_at = fields.DatetimeField(null=True)
    near_expiry = fields.BooleanField(default=False)  # near-expiry stock moved through points
    coupon_template = fields.ForeignKeyField("loyalty.CouponTemplate", related_name="mall_items", null=True,
                                             on_delete=fields.RESTRICT)
    pickup_days = fields.IntField(default=7)  # a pickup's window after redemption
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "mall_item"
        indexes = (("brand_id", "active"),)


class MallStockMovement(Model):
    # Append-only: stock = sum(delta) per item.
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="mall_stock_movements", on_delete=fields.RESTRICT)
    item = fields.ForeignKeyField("loyalty.MallItem", related_name="stock_movements", on_delete=fields.RESTRICT)
    delta = fields.BigIntField()
    reason = fields.CharEnumField(StockReason, max_length=8)
    redemption_id = fields.BigIntField(null=True)
    actor = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mall_stock_movement"
        indexes = (("item_id", "id"),)


class MallRedemption(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="mall_redemptions", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="mall_redemptions", on_delete=fields.RESTRICT)
    item = fields.ForeignKeyField("loyalty.MallItem", related_name="redemptions", on_delete=fields.RESTRICT)
    quantity = fields.IntField()
    points = fields.BigIntField()
    cash_minor = fields.BigIntField(default=0)
    stock_taken = fields.BooleanField(default=False)  # the item had a stock, so a cancel returns it
    state = fields.CharEnumField(RedemptionState, max_length=9)
    idempotency_key = fields.CharField(max_length=128)
    points_entry = fields.ForeignKeyField("loyalty.PointsLedgerEntry", related_name="mall_redemptions",
                                          on_delete=fields.RESTRICT)
    coupon = fields.ForeignKeyField("loyalty.Coupon", related_name="mall_redemptions", null=True,
                                    on_delete=fields.RESTRICT)
    # Pickups: the code a clerk verifies (unique in the brand, so also among pending ones), the
    # store the member means to collect at, and the window.
    verification_code = fields.CharField(max_length=8, null=True)
    pickup_store_id = fields.BigIntField(null=True)
    pickup_expires_at = fields.DatetimeField(null=True)
    verified_at = fields.DatetimeField(null=True)
    verified_store_id = fields.BigIntField(null=True)
    verified_by = fields.CharField(max_length=64, null=True)
    cancelled_at = fields.DatetimeField(null=True)
    cancelled_by = fields.CharField(max_length=64, null=True)
    cancel_reason = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "mall_redemption"
        unique_together = (("brand", "member", "idempotency_key"), ("brand", "verification_code"))
        indexes = (("member_id", "id"), ("item_id", "member_id"), ("brand_id", "state", "pickup_store_id"),
                   ("state", "pickup_expires_at"))
