"""Coupons: HQ's templates and the coupons issued from them, one code each."""

from __future__ import annotations

import enum

from tortoise import fields
from tortoise.models import Model


class CouponKind(str, enum.Enum):
    AMOUNT_OFF = "AMOUNT_OFF"  # a fixed amount off the order
    PERCENT_OFF = "PERCENT_OFF"  # a share of the order, up to a cap
    GIFT = "GIFT"  # an item given with the order


class CouponStatus(str, enum.Enum):
    UNUSED = "UNUSED"
    USED = "USED"
    EXPIRED = "EXPIRED"  # never stored: an unused coupon past its validity reads as expired


class CouponTemplate(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="coupon_templates", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=100)
    kind = fields.CharEnumField(CouponKind, max_length=16)
    amount_off_minor = fields.BigIntField(default=0)
    percent_off = fields.IntField(default=0)
    max_discount_minor = fields.BigIntField(null=True)  # the cap of a PERCENT_OFF coupon
    gift_item = fields.CharField(max_length=100, default="")
    min_spend_minor = fields.BigIntField(default=0)
    store_ids = fields.JSONField(default=list)  # empty: every store of the brand
    # Validity: fixed dates, or valid_days after issue (then valid_until is None).
    valid_from = fields.DatetimeField(null=True)
    valid_until = fields.DatetimeField(null=True)
    valid_days = fields.IntField(null=True)
    per_member_limit = fields.IntField(null=True)  # coupons of this template a member may hold in all
    # Counters kept under the template's row lock; the ledger check compares them with the coupons.
    issued_count = fields.BigIntField(default=0)
    used_count = fields.BigIntField(default=0)
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "coupon_template"


class Coupon(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="coupons", on_delete=fields.RESTRICT)
    template = fields.ForeignKeyField("loyalty.CouponTemplate", related_name="coupons", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="coupons", on_delete=fields.RESTRICT)
    code = fields.CharField(max_length=16)
    source = fields.CharField(max_length=32)  # HQ, MALL, TOP_UP, TIER, AUTOMATION, ...
    idempotency_key = fields.CharField(max_length=128)
    issued_store_id = fields.BigIntField(null=True)
    issued_by = fields.CharField(max_length=64)
    issued_at = fields.DatetimeField()
    valid_from = fields.DatetimeField()
    valid_until = fields.DatetimeField()
    status = fields.CharEnumField(CouponStatus, max_length=8, default=CouponStatus.UNUSED)
    used_at = fields.DatetimeField(null=True)
    used_store_id = fields.BigIntField(null=True)
    used_order_id = fields.CharField(max_length=64, null=True)
    used_order_minor = fields.BigIntField(null=True)
    discount_minor = fields.BigIntField(null=True)
    used_by = fields.CharField(max_length=64, null=True)

    class Meta:
        table = "coupon"
        unique_together = (("brand", "code"), ("brand", "idempotency_key"), ("brand", "used_order_id"))
        indexes = (("member_id", "id"), ("template_id", "member_id"))
