"""The organisation: brands (tenants), their stores, staff, partner clients, branch cards
and prices, and the audit trail of every configuration change."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Brand(Model):
    id = fields.BigIntField(primary_key=True)
    slug = fields.CharField(max_length=40, unique=True)
    name = fields.CharField(max_length=100)
    currency = fields.CharField(max_length=3, default="CNY")
    timezone = fields.CharField(max_length=64, default="Asia/Shanghai")
    # The region phone numbers are read in when they carry no country code.
    phone_region = fields.CharField(max_length=2, default="CN")
    # Profile fields a member must give at enrolment, beyond the phone: name, birthday, gender.
    required_profile_fields = fields.JSONField(default=list)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "brand"


class Store(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="stores", on_delete=fields.RESTRICT)
    code = fields.CharField(max_length=32)
    name = fields.CharField(max_length=100)
    city = fields.CharField(max_length=64)
    address = fields.CharField(max_length=255, default="")
    tags = fields.JSONField(default=list)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "store"
        unique_together = (("brand", "code"),)


class Staff(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="staff", on_delete=fields.RESTRICT)
    store = fields.ForeignKeyField(
        "loyalty.Store", related_name="staff", null=True, on_delete=fields.RESTRICT
    )
    email = fields.CharField(max_length=254)
    name = fields.CharField(max_length=100)
    password_hash = fields.CharField(max_length=255)
    role = fields.CharField(max_length=32)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff"
        unique_together = (("brand", "email"),)


class ApiClient(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField(
        "loyalty.Brand", related_name="api_clients", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=100)
    # The public part of the key, to find the row; the secret part is only kept hashed.
    key_prefix = fields.CharField(max_length=16, unique=True)
    key_hash = fields.CharField(max_length=64)
    scopes = fields.JSONField(default=list)
    store_ids = fields.JSONField(default=list)
    created_by_staff_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_client"


class StoreMemberCard(Model):
    # A branch's own member card (门店会员卡), beside the brand's tiers.

    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="store_member_cards", on_delete=fields.RESTRICT)
    store = fields.OneToOneField("loyalty.Store", related_name="member_card", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=100)
    trial_days = fields.IntField(default=0)
    discount_percent = fields.IntField(default=0)
    benefits = fields.JSONField(default=list)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "store_member_card"


class StoreMemberPrice(Model):
    # A branch's member price for a SKU; tier_level 0 means every tier.

    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="store_member_prices", on_delete=fields.RESTRICT)
    store = fields.ForeignKeyField("loyalty.Store", related_name="member_prices", on_delete=fields.RESTRICT)
    sku = fields.CharField(max_length=64)
    tier_level = fields.IntField(default=0)
    price_minor = fields.BigIntField()
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "store_member_price"
        unique_together = (("store", "sku", "tier_level"),)


class AuditEntry(Model):
    # Append-only: who changed what configuration, when, and from what to what.

    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="audit_entries", on_delete=fields.RESTRICT)
    actor = fields.CharField(max_length=64)
    # The actor's role when it acted (hq_admin, store_manager, member, api_client, platform…).
    actor_role = fields.CharField(max_length=32, null=True)
    action = fields.CharField(max_length=64)
    object_type = fields.CharField(max_length=32)
    object_id = fields.CharField(max_length=64)
    store_id = fields.BigIntField(null=True)
    changes = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "audit_entry"
        indexes = (("brand_id", "created_at"), ("brand_id", "object_type", "created_at"))
