"""HQ's gift-card templates: what a card of each kind is worth, where and for how long."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from domain.giftcards.errors import GiftCardErrorCode
from domain.giftcards.models import GiftCardKind, GiftCardTemplate, GiftCardTheme
from franchise import audit, validation
from franchise.errors import DomainError
from franchise.models import Store
from policies import Principal, PrincipalKind, authorize

AUDITED = ("name", "kind", "theme", "description", "face_value_minor", "item_sku", "item_name", "uses", "items",
           "benefit_tier_level", "benefit_bundle", "benefit_days", "valid_from", "valid_until", "valid_days",
           "store_ids", "sale_price_minor", "active")


@dataclass
class TemplateInput:
    name: str
    kind: GiftCardKind
    theme: GiftCardTheme = GiftCardTheme.GENERAL
    description: str | None = None
    face_value: object = None  # money (STORED_VALUE)
    item_sku: str | None = None  # PICKUP
    item_name: str | None = None
    uses: int | None = None
    items: list[tuple[str, str]] = field(default_factory=list)  # EXCHANGE: (sku, name)
    benefit_tier_level: int | None = None  # BENEFIT: a level or a bundle, for benefit_days
    benefit_bundle: str | None = None
    benefit_days: int | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    valid_days: int | None = None
    store_ids: list[int] | None = None
    sale_price: object = None


def _bad(message: str, field_name: str | None) -> DomainError:
    return DomainError(GiftCardErrorCode.INVALID_TEMPLATE, message, field_name)


def _utc(value: datetime | None, field_name: str) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        raise _bad("Dates need their offset.", field_name)
    return value.astimezone(UTC)


async def _values(principal: Principal, data: TemplateInput) -> dict:
    """The template's columns from the input, checked for its kind."""
    values: dict = {
        "name": validation.text(data.name, "name", max_length=80), "kind": data.kind, "theme": data.theme,
        "description": validation.text(data.description, "description", max_length=500, required=False) or "",
        "face_value_minor": None, "item_sku": None, "item_name": None, "uses": None, "items": None,
        "benefit_tier_level": None, "benefit_bundle": None, "benefit_days": None,
    }
    if data.kind is GiftCardKind.STORED_VALUE:
        if data.face_value is None:
            raise _bad("A stored-value card has a face value.", "faceValue")
        values["face_value_minor"] = validation.money_to_minor(data.face_value, "faceValue", allow_zero=False)
    elif data.kind is GiftCardKind.PICKUP:
        values["item_sku"] = validation.text(data.item_sku, "itemSku", max_length=64)
        values["item_name"] = validation.text(data.item_name, "itemName", max_length=120)
        values["uses"] = validation.bounded_int(data.uses or 0, "uses", low=1, high=1000)
    elif data.kind is GiftCardKind.EXCHANGE:
        if not 1 <= len(data.items) <= 50:
            raise _bad("An exchange card lists 1 to 50 items.", "items")
        items = [{"sku": validation.text(sku, "items.sku", max_length=64),
                  "name": validation.text(name, "items.name", max_length=120)} for sku, name in data.items]
        if len({i["sku"] for i in items}) != len(items):
            raise _bad("Each item at most once.", "items")
        values["items"], values["uses"] = items, 1
    elif data.kind is GiftCardKind.BENEFIT:
        if (data.benefit_tier_level is None) == (data.benefit_bundle is None):
            raise _bad("A benefit card grants either a tier level or a bundle.", "benefitTierLevel")
        if data.benefit_tier_level is not None:
            values["benefit_tier_level"] = validation.bounded_int(data.benefit_tier_level, "benefitTierLevel",
                                                                  low=1, high=10)
        else:
            values["benefit_bundle"] = validation.text(data.benefit_bundle, "benefitBundle", max_length=120)
        values["benefit_days"] = validation.bounded_int(data.benefit_days or 0, "benefitDays", low=1, high=3660)
        values["uses"] = 1
    valid_from, valid_until = _utc(data.valid_from, "validFrom"), _utc(data.valid_until, "validUntil")
    if (valid_until is None) == (data.valid_days is None):
        raise _bad("Validity is either fixed dates (validUntil) or a number of days after the claim.", "validUntil")
    if data.valid_days is not None:
        validation.bounded_int(data.valid_days, "validDays", low=1, high=3660)
        if valid_from is not None:
            raise _bad("validFrom goes with fixed dates only.", "validFrom")
    if valid_from is not None and valid_until is not None and valid_from >= valid_until:
        raise _bad("validFrom is before validUntil.", "validFrom")
    values.update(valid_from=valid_from, valid_until=valid_until, valid_days=data.valid_days)
    if data.store_ids is not None:
        wanted = sorted(set(data.store_ids))
        found = await Store.filter(brand_id=principal.brand_id, id__in=wanted).count()
        if not wanted or found != len(wanted):
            raise DomainError(GiftCardErrorCode.INVALID_TEMPLATE, "Usable stores are stores of the brand.",
                              "storeIds")
        values["store_ids"] = wanted
    else:
        values["store_ids"] = None
    values["sale_price_minor"] = None if data.sale_price is None else validation.money_to_minor(
        data.sale_price, "salePrice", allow_zero=False)
    return values


def _snapshot(template: GiftCardTemplate) -> dict:
    return {name: _plain(getattr(template, name)) for name in AUDITED}


def _plain(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return getattr(value, "value", value)


async def create_template(principal: Principal, data: TemplateInput) -> GiftCardTemplate:
    authorize(principal, "giftcard.template", "write")
    values = await _values(principal, data)
    async with in_transaction():
        template = await GiftCardTemplate.create(brand_id=principal.brand_id, created_by=audit.actor_of(principal),
                                                 **values)
        await audit.record(principal, brand_id=principal.brand_id, action="giftcard.template.create",
                           object_type="GiftCardTemplate", object_id=template.id,
                           changes=audit.diff({}, _snapshot(template)))
    return template


async def update_template(principal: Principal, template_id: int, data: TemplateInput,
                          active: bool | None = None) -> GiftCardTemplate:
    """A new definition for cards issued from now on; cards already issued keep their value,
    uses and dates (their usable stores and items follow the template)."""
    authorize(principal, "giftcard.template", "write")
    if data.kind is None:
        raise _bad("kind is required.", "kind")
    values = await _values(principal, data)
    async with in_transaction():
        template = await GiftCardTemplate.filter(id=template_id, brand_id=principal.brand_id) \
            .select_for_update().first()
        if template is None:
            raise DomainError(GiftCardErrorCode.TEMPLATE_NOT_FOUND, "No such template.", "id")
        if template.kind is not data.kind:
            raise _bad("A template's kind does not change; create a new template.", "kind")
        before = _snapshot(template)
        template.update_from_dict(values | ({} if active is None else {"active": active}))
        await template.save()
        if changed := audit.diff(before, _snapshot(template)):
            await audit.record(principal, brand_id=principal.brand_id, action="giftcard.template.update",
                               object_type="GiftCardTemplate", object_id=template.id, changes=changed)
    return template


def templates_query(principal: Principal):
    """Staff see every template of the brand; a member sees the active ones it may buy."""
    authorize(principal, "giftcard.template", "read")
    query = GiftCardTemplate.filter(brand_id=principal.brand_id)
    if principal.kind is PrincipalKind.MEMBER:
        query = query.filter(active=True, sale_price_minor__isnull=False)
    return query


async def get_template(principal: Principal, template_id: int) -> GiftCardTemplate | None:
    return await templates_query(principal).filter(id=template_id).first()


def usable_at(template: GiftCardTemplate, store_id: int) -> bool:
    return template.store_ids is None or store_id in template.store_ids
