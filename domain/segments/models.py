"""Tables of the segments area: RFM scores per member, the brand's RFM settings, tag rules and
saved segment filters. Member tags themselves stay in `domain.members.models.MemberTag`."""

from __future__ import annotations

import enum

from tortoise import fields
from tortoise.models import Model


class RfmSegment(str, enum.Enum):
    HIGH_VALUE = "HIGH_VALUE"
    AT_RISK = "AT_RISK"
    DORMANT = "DORMANT"
    NEW = "NEW"
    REGULAR = "REGULAR"


class RfmMethod(str, enum.Enum):
    QUINTILES = "QUINTILES"  # scores by the member's rank within the brand
    THRESHOLDS = "THRESHOLDS"  # scores by the brand's own cut-offs


class TagRuleKind(str, enum.Enum):
    SPENT_AT_LEAST = "SPENT_AT_LEAST"  # net spend (minor units) in the last `days` >= amount
    ORDERS_AT_LEAST = "ORDERS_AT_LEAST"  # orders in the last `days` >= count
    STORES_AT_LEAST = "STORES_AT_LEAST"  # distinct stores bought at in the last `days` >= count


class RfmSettings(Model):
    # HQ's RFM setting. A brand without a row uses the defaults of `domain.segments.rfm`.

    id = fields.BigIntField(primary_key=True)
    brand = fields.OneToOneField("loyalty.Brand", related_name="rfm_settings", on_delete=fields.RESTRICT)
    method = fields.CharEnumField(RfmMethod, max_length=16, default=RfmMethod.QUINTILES)
    window_days = fields.IntField(default=365)
    # THRESHOLDS: four ascending cut-offs each, the lower bound of scores 2..5. Recency in days
    # since the last purchase (descending: fewer days is better), frequency in orders, monetary
    # in minor units.
    recency_days = fields.JSONField(default=list)
    frequency_orders = fields.JSONField(default=list)
    monetary_minor = fields.JSONField(default=list)
    dormant_days = fields.IntField(default=180)
    new_days = fields.IntField(default=30)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "rfm_settings"


class MemberRfm(Model):
    # A member's RFM scores as of `computed_at` (the daily job or recomputeRfm).

    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="member_rfm", on_delete=fields.RESTRICT)
    member = fields.OneToOneField("loyalty.Member", related_name="rfm", on_delete=fields.RESTRICT)
    recency = fields.SmallIntField()
    frequency = fields.SmallIntField()
    monetary = fields.SmallIntField()
    segment = fields.CharEnumField(RfmSegment, max_length=16)
    last_purchase_at = fields.DatetimeField(null=True)
    order_count = fields.IntField(default=0)
    net_spend_minor = fields.BigIntField(default=0)
    computed_at = fields.DatetimeField()

    class Meta:
        table = "member_rfm"
        indexes = (("brand_id", "segment"),)


class TagRule(Model):
    # A brand's rule tag: members who meet the rule carry `tag` (kind RULE), and the job adds
    # and removes it.

    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="tag_rules", on_delete=fields.RESTRICT)
    tag = fields.CharField(max_length=32)
    kind = fields.CharEnumField(TagRuleKind, max_length=16)
    threshold = fields.BigIntField()
    days = fields.IntField()
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "tag_rule"
        unique_together = (("brand", "tag"),)


class SavedSegment(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="saved_segments", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=100)
    criteria = fields.JSONField()  # filter_to_json of a SegmentFilter
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "saved_segment"
        unique_together = (("brand", "name"),)
