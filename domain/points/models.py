"""Points: HQ's versioned rules, one account per member, an append-only ledger, and earning
lots that expire on their own dates."""

from __future__ import annotations

import enum

from tortoise import fields
from tortoise.models import Model


class ExpiryPolicy(str, enum.Enum):
    ROLLING_MONTHS = "ROLLING_MONTHS"  # n months after the day earned, to the end of that day
    END_OF_YEAR_AFTER = "END_OF_YEAR_AFTER"  # to the end of the year n years after the year earned


class LedgerKind(str, enum.Enum):
    EARN = "EARN"
    REDEEM = "REDEEM"
    EXPIRE = "EXPIRE"
    ADJUST = "ADJUST"
    REVERSE = "REVERSE"
    RETURN = "RETURN"  # points paid at checkout, back to their lots when the order is refunded
    OPENING = "OPENING"  # a balance carried over from the brand's previous system at import
    ACTIVITY = "ACTIVITY"  # check-in, share, post, comment, review, referral (engagement)
    REWARD = "REWARD"  # granted by an automation (GRANT_POINTS), within its approved budget


class PointsRules(Model):
    # A new row per change: ledger entries name the version they were computed with.
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="points_rules", on_delete=fields.RESTRICT)
    version = fields.IntField()
    earn_points = fields.IntField()
    earn_per_minor = fields.BigIntField()
    tier_multipliers = fields.JSONField(default=dict)
    wallet_paid_earns = fields.BooleanField(default=False)
    activity_points = fields.JSONField(default=dict)
    expiry_policy = fields.CharEnumField(ExpiryPolicy, max_length=24)
    expiry_n = fields.IntField()
    daily_cap = fields.IntField(null=True)
    # Points as cash (积分抵现): redeem_points points take redeem_value_minor off, up to a share.
    redeem_enabled = fields.BooleanField(default=True)
    redeem_points = fields.IntField(default=100)
    redeem_value_minor = fields.BigIntField(default=100)
    redeem_max_share_percent = fields.IntField(default=50)
    redeem_min_points = fields.IntField(default=100)
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "points_rules"
        unique_together = (("brand", "version"),)


class PointsAccount(Model):
    # balance = sum(ledger.delta) = sum(open lots); debt = sum(ledger.debt_delta).
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="points_accounts", on_delete=fields.RESTRICT)
    member = fields.OneToOneField("loyalty.Member", related_name="points_account", on_delete=fields.RESTRICT)
    balance = fields.BigIntField(default=0)
    debt = fields.BigIntField(default=0)
    lifetime_earned = fields.BigIntField(default=0)

    class Meta:
        table = "points_account"
        # On PostgreSQL a CHECK refuses a negative balance or debt (migration 0003); everywhere
        # ledger._entry refuses them and verify_ledgers checks every account.


class PointsLedgerEntry(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="points_entries", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="points_ledger", on_delete=fields.RESTRICT)
    kind = fields.CharEnumField(LedgerKind, max_length=8)
    # What the business event was worth, and how it moved the balance and the debt.
    points = fields.BigIntField()
    delta = fields.BigIntField()
    debt_delta = fields.BigIntField(default=0)
    balance_after = fields.BigIntField()
    rule_version = fields.IntField(null=True)
    store_id = fields.BigIntField(null=True)
    purchase_id = fields.BigIntField(null=True)
    # The campaign whose multiplier shaped this entry, if any.
    campaign_id = fields.BigIntField(null=True)
    actor = fields.CharField(max_length=64)
    reason = fields.CharField(max_length=200, default="")
    idempotency_key = fields.CharField(max_length=128, null=True)
    occurred_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "points_ledger_entry"
        unique_together = (("brand", "idempotency_key"),)
        indexes = (("member_id", "id"),)


class PointsLot(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="points_lots_brand", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="points_lots", on_delete=fields.RESTRICT)
    entry = fields.ForeignKeyField("loyalty.PointsLedgerEntry", related_name="lots", on_delete=fields.RESTRICT)
    purchase_id = fields.BigIntField(null=True)
    earned = fields.BigIntField()
    remaining = fields.BigIntField()
    earned_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()

    class Meta:
        table = "points_lot"
        indexes = (("member_id", "expires_at"), ("brand_id", "expires_at"))


class PointsLotUse(Model):
    # Which lots a debit drew from, so a refunded points payment returns to the same lots.
    id = fields.BigIntField(primary_key=True)
    entry = fields.ForeignKeyField("loyalty.PointsLedgerEntry", related_name="lot_uses", on_delete=fields.RESTRICT)
    lot = fields.ForeignKeyField("loyalty.PointsLot", related_name="uses", on_delete=fields.RESTRICT)
    points = fields.BigIntField()

    class Meta:
        table = "points_lot_use"


class PointsPayment(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="points_payments", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="points_payments", on_delete=fields.RESTRICT)
    store = fields.ForeignKeyField("loyalty.Store", related_name="points_payments", on_delete=fields.RESTRICT)
    order_id = fields.CharField(max_length=64)
    order_amount_minor = fields.BigIntField()
    points = fields.BigIntField()
    amount_off_minor = fields.BigIntField()
    entry = fields.ForeignKeyField("loyalty.PointsLedgerEntry", related_name="payments", on_delete=fields.RESTRICT)
    refunded_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "points_payment"
        unique_together = (("brand", "order_id"),)


class Purchase(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="purchases_brand", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="purchases", on_delete=fields.RESTRICT)
    store = fields.ForeignKeyField("loyalty.Store", related_name="purchases", on_delete=fields.RESTRICT)
    channel = fields.CharField(max_length=16)
    order_id = fields.CharField(max_length=64)
    amount_minor = fields.BigIntField()
    wallet_paid_minor = fields.BigIntField(default=0)
    points_earned = fields.BigIntField()
    refunded_minor = fields.BigIntField(default=0)
    points_reversed = fields.BigIntField(default=0)
    rule_version = fields.IntField()
    occurred_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)
    # The shopping guide credited with the sale: a staff member of this store (domain/guides).
    guide_id = fields.BigIntField(null=True)

    class Meta:
        table = "purchase"
        unique_together = (("brand", "channel", "order_id"),)
        # Segments and RFM aggregate a member's purchases over a window; guide figures a guide's.
        indexes = (("brand_id", "member_id", "occurred_at"), ("guide_id", "occurred_at"))


class PurchaseRefund(Model):
    # One row per refund id, so a replayed refund reverses nothing twice.
    id = fields.BigIntField(primary_key=True)
    purchase = fields.ForeignKeyField("loyalty.Purchase", related_name="refunds", on_delete=fields.RESTRICT)
    refund_id = fields.CharField(max_length=64)
    amount_minor = fields.BigIntField()
    points_reversed = fields.BigIntField()
    debt_added = fields.BigIntField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "purchase_refund"
        unique_together = (("purchase", "refund_id"),)
