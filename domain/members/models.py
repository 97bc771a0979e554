from __future__ import annotations

import enum

from tortoise import fields
from tortoise.models import Model


class MemberSource(str, enum.Enum):
    STORE_QR = "STORE_QR"  # scanned a store's QR code
    STORE_COUNTER = "STORE_COUNTER"  # registered by a clerk at the counter
    MINI_PROGRAM = "MINI_PROGRAM"  # enrolled themself in the brand's mini-program
    IMPORT = "IMPORT"  # bulk import of existing customers
    CHANNEL = "CHANNEL"  # a marketplace order (Tmall, JD, Douyin)
    REFERRAL = "REFERRAL"  # invited by another member
    PARTNER = "PARTNER"  # a partner app's own enrolment


class Gender(str, enum.Enum):
    FEMALE = "FEMALE"
    MALE = "MALE"
    OTHER = "OTHER"


class Member(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="members", on_delete=fields.RESTRICT)
    # E.164, normalised, so "138 0013 8000" and "+86 13800138000" are one member.
    phone = fields.CharField(max_length=20)
    name = fields.CharField(max_length=100, null=True)
    birthday = fields.DateField(null=True)
    gender = fields.CharEnumField(Gender, max_length=8, null=True)
    # 归属门店: the store whose member this is.
    home_store = fields.ForeignKeyField(
        "loyalty.Store", related_name="members", on_delete=fields.RESTRICT
    )
    source = fields.CharEnumField(MemberSource, max_length=16)
    referral_code = fields.CharField(max_length=12)
    referred_by = fields.ForeignKeyField(
        "loyalty.Member", related_name="referrals", null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    # Shopping guides (domain/guides): the member's current guide, a staff member of its home
    # store (history in guide_assignment), and the staff member who enrolled it, if any.
    guide = fields.ForeignKeyField("loyalty.Staff", related_name="guided_members", null=True,
                                   on_delete=fields.RESTRICT, db_index=True)
    registered_by_staff_id = fields.BigIntField(null=True)

    class Meta:
        table = "member"
        unique_together = (("brand", "phone"), ("brand", "referral_code"))
        indexes = (("brand_id", "home_store_id", "id"),)


class TagKind(str, enum.Enum):
    MANUAL = "MANUAL"  # tagMembers by HQ or a store manager
    RULE = "RULE"  # a brand's tag rule, added and removed by the rule-tag job
    AUTOMATION = "AUTOMATION"  # an automation's ADD_TAG action
    MEMBERSHIP = "MEMBERSHIP"  # a paid membership's early-access tag, while it runs


class MemberTag(Model):
    # A label on a member ("store A regular"); store_id set for a store's own tags, which only
    # that store's staff (and HQ) see. A tag name is on a member once, whoever put it there.
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="member_tags", on_delete=fields.RESTRICT)
    member = fields.ForeignKeyField("loyalty.Member", related_name="tags", on_delete=fields.RESTRICT)
    tag = fields.CharField(max_length=32)
    store_id = fields.BigIntField(null=True)
    kind = fields.CharEnumField(TagKind, max_length=16, default=TagKind.MANUAL, db_default="MANUAL")
    created_by = fields.CharField(max_length=64, default="", db_default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "member_tag"
        unique_together = (("member", "tag"),)
        indexes = (("brand_id", "tag"),)
