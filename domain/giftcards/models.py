"""Gift-card templates, the cards issued from them and each card's append-only ledger.

A card's code is never stored: only its keyed hash (HMAC-SHA256 with the runtime secret key)
and the last four characters, to tell cards apart on screen."""

from __future__ import annotations

import enum

from tortoise import fields
from tortoise.models import Model


class GiftCardKind(str, enum.Enum):
    STORED_VALUE = "STORED_VALUE"  # a face value spent at usable stores
    PICKUP = "PICKUP"  # 提货卡: one given item, N times
    EXCHANGE = "EXCHANGE"  # one of the listed items, once
    BENEFIT = "BENEFIT"  # a tier level or a named bundle for a period, applied at claim


class GiftCardTheme(str, enum.Enum):
    GENERAL = "GENERAL"
    FESTIVAL = "FESTIVAL"
    BIRTHDAY = "BIRTHDAY"
    THANKS = "THANKS"
    LOVE = "LOVE"
    CONGRATULATIONS = "CONGRATULATIONS"


class GiftCardState(str, enum.Enum):
    ISSUED = "ISSUED"  # printed, not sold yet: no one can claim or use it until activated
    ACTIVE = "ACTIVE"  # usable by whoever holds the code; claimable
    CLAIMED = "CLAIMED"  # bound to a member
    USED_UP = "USED_UP"  # no balance or uses left
    EXPIRED = "EXPIRED"
    VOIDED = "VOIDED"


LIVE_STATES = (GiftCardState.ISSUED, GiftCardState.ACTIVE, GiftCardState.CLAIMED)


class GiftCardLedgerKind(str, enum.Enum):
    ISSUE = "ISSUE"  # the card's face value or uses
    ACTIVATE = "ACTIVATE"
    CLAIM = "CLAIM"
    TRANSFER = "TRANSFER"  # passed on as a gift: a fresh code, the old one stops working
    PAY = "PAY"
    PAY_REFUND = "PAY_REFUND"
    PICKUP = "PICKUP"
    EXCHANGE = "EXCHANGE"
    BENEFIT = "BENEFIT"  # a BENEFIT card's benefit applied at claim
    EXPIRE = "EXPIRE"
    VOID = "VOID"


class GiftCardTemplate(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="gift_card_templates", on_delete=fields.RESTRICT)
    name = fields.CharField(max_length=80)
    kind = fields.CharEnumField(GiftCardKind, max_length=16)
    theme = fields.CharEnumField(GiftCardTheme, max_length=16, default=GiftCardTheme.GENERAL)
    description = fields.CharField(max_length=500, default="")
    # STORED_VALUE
    face_value_minor = fields.BigIntField(null=True)
    # PICKUP: item_sku / item_name, `uses` times; EXCHANGE: one of items [{sku, name}], once
    item_sku = fields.CharField(max_length=64, null=True)
    item_name = fields.CharField(max_length=120, null=True)
    uses = fields.IntField(null=True)
    items = fields.JSONField(null=True)
    # BENEFIT: a tier level or a named bundle, for benefit_days from the claim
    benefit_tier_level = fields.IntField(null=True)
    benefit_bundle = fields.CharField(max_length=120, null=True)
    benefit_days = fields.IntField(null=True)
    # Validity: fixed dates, or valid_days after the claim
    valid_from = fields.DatetimeField(null=True)
    valid_until = fields.DatetimeField(null=True)
    valid_days = fields.IntField(null=True)
    # Store ids where the card is usable; null: every store of the brand
    store_ids = fields.JSONField(null=True)
    # What a member pays to buy one as a gift (null: not for sale to members)
    sale_price_minor = fields.BigIntField(null=True)
    active = fields.BooleanField(default=True)
    created_by = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "gift_card_template"


class GiftCard(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="gift_cards", on_delete=fields.RESTRICT)
    template = fields.ForeignKeyField("loyalty.GiftCardTemplate", related_name="cards", on_delete=fields.RESTRICT)
    batch = fields.CharField(max_length=32)
    kind = fields.CharEnumField(GiftCardKind, max_length=16)
    state = fields.CharEnumField(GiftCardState, max_length=16)
    # HMAC-SHA256 of the normalised code, hex; the code itself is shown once and never stored
    code_hash = fields.CharField(max_length=64, unique=True)
    code_hint = fields.CharField(max_length=4)
    # balance = sum(ledger.amount_delta); uses_left = sum(ledger.uses_delta)
    balance_minor = fields.BigIntField(default=0)
    uses_left = fields.IntField(default=0)
    member = fields.ForeignKeyField("loyalty.Member", related_name="gift_cards", null=True, on_delete=fields.RESTRICT)
    # The member who bought it as a gift, if one did
    bought_by = fields.ForeignKeyField("loyalty.Member", related_name="gift_cards_bought", null=True,
                                       on_delete=fields.RESTRICT)
    valid_from = fields.DatetimeField(null=True)
    valid_until = fields.DatetimeField(null=True)
    claimed_at = fields.DatetimeField(null=True)
    benefit_until = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "gift_card"
        indexes = (("brand_id", "state", "valid_until"), ("member_id", "id"), ("template_id", "state"))


class GiftCardLedgerEntry(Model):
    id = fields.BigIntField(primary_key=True)
    brand = fields.ForeignKeyField("loyalty.Brand", related_name="gift_card_entries", on_delete=fields.RESTRICT)
    card = fields.ForeignKeyField("loyalty.GiftCard", related_name="ledger", on_delete=fields.RESTRICT)
    kind = fields.CharEnumField(GiftCardLedgerKind, max_length=12)
    amount_delta = fields.BigIntField(default=0)
    uses_delta = fields.IntField(default=0)
    balance_after = fields.BigIntField()
    uses_after = fields.IntField()
    store_id = fields.BigIntField(null=True)
    member_id = fields.BigIntField(null=True)
    item_sku = fields.CharField(max_length=64, null=True)
    order_id = fields.CharField(max_length=64, null=True)
    actor = fields.CharField(max_length=64)
    reason = fields.CharField(max_length=200, default="")
    # Per brand: "pay:<order id>", "refund:<order id>", "pickup:<key>", "sale:<payment ref>"
    idempotency_key = fields.CharField(max_length=140, null=True)
    occurred_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "gift_card_ledger_entry"
        unique_together = (("brand", "idempotency_key"),)
        indexes = (("card_id", "id"),)
