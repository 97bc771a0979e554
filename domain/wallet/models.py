"""Stored value: HQ's top-up plans, one wallet per member with principal and bonus, the grants
that make up both, an append-only ledger, and paid membership (付费会员卡)."""

from __future__ import annotations

import enum

from tortoise import fields
from tortoise.models import Model


class ConsumptionRule(str, enum.Enum):
    PROPORTIONAL = "PROPORTIONAL"  # principal and usable bonus in proportion (the default)
    PRINCIPAL_FIRST = "PRINCIPAL_FIRST"
    BONUS_FIRST = "BONUS_FIRST"


class PlanKind(str, enum.Enum):
    STANDARD = "STANDARD"  # pay X, get Y bonus
    FREE_ORDER = "FREE_ORDER"  # 储值免单: top up N x the bill and the bill is free


class Bucket(str, enum.Enum):
    PRINCIPAL = "PRINCIPAL"  # what the member paid
    BONUS = "BONUS"  # what a plan gave


class WalletLedgerKind(str, enum.Enum):
    TOP_UP = "TOP_UP"
    BONUS = "BONUS"
    PAY = "PAY"
    PAY_REFUND = "PAY_REFUND"
    BALANCE_REFUND = "BALANCE_REFUND"
    BONUS_FORFEIT = "BONUS_FORFEIT"
    BONUS_EXPIRE = "BONUS_EXPIRE"


class WalletSettings(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.OneToOneField("loyalty.Brand", related_name="wallet_settings", on_delete=fields.RESTRICT)
    consumption_rule = fields.CharEnumField(ConsumptionRule, max_length=16, default=ConsumptionRule.PROPORTIONAL)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "wallet_settings"


class TopUpPlan(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="top_up_plans", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=100)
    kind = fields.CharEnumField(PlanKind, max_length=16, default=PlanKind.STANDARD)
    # STANDARD: what the member pays and the bonus it gets; FREE_ORDER: the multiple N of the bill.
    pay_minor = fields.BigIntField(default=0)
    bonus_minor = fields.BigIntField(default=0)
    free_order_multiple = fields.IntField(null=True)
    # Store id lists; null means every store of the brand.
    offered_store_ids = fields.JSONField(null=True)
    bonus_store_ids = fields.JSONField(null=True)
    bonus_expiry_days = fields.IntField(null=True)  # null: the bonus never expires
    gift_points = fields.BigIntField(default=0)
    gift_tier_level = fields.IntField(null=True)  # lift the member to at least this level
    gift_coupon_template_ids = fields.JSONField(default=list)  # one coupon of each per top-up
    gift_card_template = fields.ForeignKeyField("loyalty.GiftCardTemplate", related_name="top_up_plans", null=True,
                                                on_delete=fields.RESTRICT)  # a card given claimed per top-up
    active_from = fields.DatetimeField(null=True)
    active_to = fields.DatetimeField(null=True)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "top_up_plan"


class Wallet(Model):
    # principal = sum(ledger.principal_delta) = sum(principal grants remaining); bonus likewise.
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="wallets", on_delete=fields.RESTRICT)
    member = fields.OneToOneField("loyalty.Member", related_name="wallet", on_delete=fields.RESTRICT)
    principal_minor = fields.BigIntField(default=0)
    bonus_minor = fields.BigIntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "wallet"


class WalletLedgerEntry(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="wallet_entries", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="wallet_ledger", on_delete=fields.RESTRICT)
    kind = fields.CharEnumField(WalletLedgerKind, max_length=16)
    principal_delta = fields.BigIntField(default=0)
    bonus_delta = fields.BigIntField(default=0)
    principal_after = fields.BigIntField()
    bonus_after = fields.BigIntField()
    store_id = fields.BigIntField(null=True)
    order_id = fields.CharField(max_length=64, null=True)
    actor = fields.CharField(max_length=64)
    reason = fields.CharField(max_length=200, default="")
    idempotency_key = fields.CharField(max_length=128, null=True)
    occurred_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "wallet_ledger_entry"
        unique_together = (("brand", "idempotency_key"),)
        indexes = (("member_id", "id"),)


class WalletGrant(Model):
    # One top-up's principal, or one bonus grant, with where it came from and what is left.
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="wallet_grants", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="wallet_grants", on_delete=fields.RESTRICT)
    entry = fields.ForeignKeyField("loyalty.WalletLedgerEntry", related_name="grants", on_delete=fields.RESTRICT)
    bucket = fields.CharEnumField(Bucket, max_length=16)
    origin_store_id = fields.BigIntField()  # the store where it was topped up
    usable_store_ids = fields.JSONField(null=True)  # null: every store (principal always)
    amount = fields.BigIntField()
    remaining = fields.BigIntField()
    granted_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(null=True)

    class Meta:
        table = "wallet_grant"
        indexes = (("member_id", "bucket", "remaining"), ("brand_id", "expires_at"))


class WalletLedgerLine(Model):
    # How one ledger entry moved each grant (signed); the reports add these up by origin store.
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="wallet_lines", on_delete=fields.RESTRICT)
    member_id = fields.BigIntField()
    entry = fields.ForeignKeyField("loyalty.WalletLedgerEntry", related_name="lines", on_delete=fields.RESTRICT)
    grant = fields.ForeignKeyField("loyalty.WalletGrant", related_name="lines", on_delete=fields.RESTRICT)
    bucket = fields.CharEnumField(Bucket, max_length=16)
    origin_store_id = fields.BigIntField()
    amount = fields.BigIntField()

    class Meta:
        table = "wallet_ledger_line"
        indexes = (("brand_id", "origin_store_id"), ("entry_id",))


class WalletTopUp(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="wallet_top_ups", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="wallet_top_ups", on_delete=fields.RESTRICT)
    store = fields.ForeignKeyField("loyalty.Store", related_name="wallet_top_ups", on_delete=fields.RESTRICT)
    plan = fields.ForeignKeyField("loyalty.TopUpPlan", related_name="top_ups", null=True, on_delete=fields.RESTRICT)
    payment_reference = fields.CharField(max_length=64)
    paid_minor = fields.BigIntField()
    bonus_minor = fields.BigIntField(default=0)
    free_order_minor = fields.BigIntField(default=0)
    order_id = fields.CharField(max_length=64, null=True)
    gift_points = fields.BigIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "wallet_top_up"
        unique_together = (("brand", "payment_reference"),)


class WalletPayment(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="wallet_payments", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="wallet_payments", on_delete=fields.RESTRICT)
    store = fields.ForeignKeyField("loyalty.Store", related_name="wallet_payments", on_delete=fields.RESTRICT)
    order_id = fields.CharField(max_length=64)
    amount_minor = fields.BigIntField()
    principal_minor = fields.BigIntField()
    bonus_minor = fields.BigIntField()
    entry = fields.ForeignKeyField("loyalty.WalletLedgerEntry", related_name="payments", on_delete=fields.RESTRICT)
    refunded_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "wallet_payment"
        unique_together = (("brand", "order_id"),)


class PeriodUnit(str, enum.Enum):
    MONTHS = "MONTHS"
    DAYS = "DAYS"


class MembershipState(str, enum.Enum):
    ACTIVE = "ACTIVE"
    EXPIRED = "EXPIRED"
    REFUNDED = "REFUNDED"


class MembershipLedgerKind(str, enum.Enum):
    PURCHASE = "PURCHASE"
    RENEWAL = "RENEWAL"
    REFUND = "REFUND"
    EXPIRE = "EXPIRE"


class PaidMembershipPlan(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="paid_membership_plans", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=100)
    price_minor = fields.BigIntField()
    period_unit = fields.CharEnumField(PeriodUnit, max_length=8)
    period_count = fields.IntField()
    discount_percent = fields.IntField(default=0)
    points_multiplier = fields.CharField(max_length=8, default="1")  # a decimal, e.g. "1.5"
    early_access_tag = fields.CharField(max_length=40, null=True)
    refund_window_days = fields.IntField(default=0)
    # A coupon of each at purchase and in every later month of the term (issue_membership_coupon_packs).
    coupon_template_ids = fields.JSONField(default=list)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "paid_membership_plan"


class PaidMembership(Model):
    # A member's one membership row; its history is in the membership ledger.
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="paid_memberships", on_delete=fields.RESTRICT)
    member = fields.OneToOneField("loyalty.Member", related_name="paid_membership", on_delete=fields.RESTRICT)
    plan = fields.ForeignKeyField("loyalty.PaidMembershipPlan", related_name="memberships", on_delete=fields.RESTRICT)
    state = fields.CharEnumField(MembershipState, max_length=8)
    term_started_at = fields.DatetimeField()  # the start of the current uninterrupted run
    ends_at = fields.DatetimeField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "paid_membership"
        indexes = (("state", "ends_at"),)


class PaidMembershipLedgerEntry(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="paid_membership_entries", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="paid_membership_ledger", on_delete=fields.RESTRICT)
    plan = fields.ForeignKeyField("loyalty.PaidMembershipPlan", related_name="entries", on_delete=fields.RESTRICT)
    kind = fields.CharEnumField(MembershipLedgerKind, max_length=8)
    amount_minor = fields.BigIntField()  # paid (positive) or refunded (negative)
    period_start = fields.DatetimeField(null=True)
    period_end = fields.DatetimeField(null=True)
    store_id = fields.BigIntField(null=True)
    actor = fields.CharField(max_length=64)
    idempotency_key = fields.CharField(max_length=128, null=True)  # the payment reference
    occurred_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "paid_membership_ledger_entry"
        unique_together = (("brand", "idempotency_key"),)
        indexes = (("member_id", "id"),)
