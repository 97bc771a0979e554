"""HQ's top-up plans ("pay 300 get 60", a new store's richer plan, 储值免单) and the brand's
wallet settings (how a payment splits principal and bonus)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from tortoise.expressions import Q

from domain import events
from domain.wallet import gifts
from domain.wallet.errors import WalletErrorCode
from domain.wallet.models import ConsumptionRule, PlanKind, TopUpPlan, WalletSettings
from franchise import audit, validation
from franchise.errors import DomainError
from franchise.models import Store
from franchise.stores import require_store
from policies import Principal, authorize

EDITABLE = ("name", "kind", "pay_minor", "bonus_minor", "free_order_multiple", "offered_store_ids",
            "bonus_store_ids", "bonus_expiry_days", "gift_points", "gift_tier_level", "active_from",
            "active_to", "active", "gift_coupon_template_ids", "gift_card_template_id")


@dataclass
class PlanInput:
    name: str
    kind: PlanKind = PlanKind.STANDARD
    pay_minor: int = 0
    bonus_minor: int = 0
    free_order_multiple: int | None = None
    offered_store_ids: list[int] | None = None
    bonus_store_ids: list[int] | None = None
    bonus_expiry_days: int | None = None
    gift_points: int = 0
    gift_tier_level: int | None = None
    active_from: datetime | None = None
    active_to: datetime | None = None
    active: bool = True
    gift_coupon_template_ids: list[int] = field(default_factory=list)
    gift_card_template_id: int | None = None


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(WalletErrorCode.INVALID_PLAN, message, field)


async def _stores(brand_id: int, ids: list[int] | None, field: str) -> list[int] | None:
    if ids is None:
        return None
    ids = sorted(set(ids))
    if not ids or len(ids) > 500:
        raise _invalid("Name 1 to 500 stores, or none for every store.", field)
    if await Store.filter(brand_id=brand_id, id__in=ids).count() != len(ids):
        raise DomainError(WalletErrorCode.INVALID_PLAN, "A store is not one of the brand's.", field)
    return ids


async def _checked(brand_id: int, plan: PlanInput) -> dict:
    values = {f: getattr(plan, f) for f in EDITABLE}
    values["name"] = validation.text(plan.name, "name", max_length=100)
    if plan.kind is PlanKind.STANDARD:
        if plan.pay_minor <= 0 or plan.bonus_minor < 0 or plan.free_order_multiple is not None:
            raise _invalid("A standard plan has a positive pay amount, a bonus of 0 or more and no multiple.", "payAmount")
    else:
        if plan.free_order_multiple is None or not 2 <= plan.free_order_multiple <= 50:
            raise _invalid("A free-order plan has a multiple N from 2 to 50.", "freeOrderMultiple")
        if plan.pay_minor or plan.bonus_minor:
            raise _invalid("A free-order plan's amounts come from the bill: no pay or bonus amount.", "payAmount")
    if plan.bonus_expiry_days is not None:
        validation.bounded_int(plan.bonus_expiry_days, "bonusExpiryDays", low=1, high=3660)
    validation.bounded_int(plan.gift_points, "giftPoints", low=0, high=10_000_000)
    if plan.gift_tier_level is not None:
        validation.bounded_int(plan.gift_tier_level, "giftTierLevel", low=1, high=10)
    for name in ("active_from", "active_to"):
        moment = getattr(plan, name)
        if moment is not None and moment.tzinfo is None:
            raise _invalid("A date and time needs its offset.", "activeFrom" if name == "active_from" else "activeTo")
        values[name] = moment.astimezone(UTC) if moment else None
    if values["active_from"] and values["active_to"] and values["active_to"] <= values["active_from"]:
        raise _invalid("The plan ends after it starts.", "activeTo")
    values["offered_store_ids"] = await _stores(brand_id, plan.offered_store_ids, "offeredStoreIds")
    values["bonus_store_ids"] = await _stores(brand_id, plan.bonus_store_ids, "bonusStoreIds")
    values["gift_coupon_template_ids"] = await gifts.checked_coupon_templates(
        brand_id, plan.gift_coupon_template_ids, "giftCouponTemplateIds")
    values["gift_card_template_id"] = await gifts.checked_gift_card_template(
        brand_id, plan.gift_card_template_id, "giftCardTemplateId")
    return values


def _snapshot(plan: TopUpPlan) -> dict:
    snap = {f: getattr(plan, f) for f in EDITABLE}
    snap["kind"] = plan.kind.value
    for name in ("active_from", "active_to"):
        snap[name] = snap[name].isoformat() if snap[name] else None
    return snap


async def upsert_top_up_plan(principal: Principal, plan: PlanInput, plan_id: int | None = None) -> TopUpPlan:
    """Create a plan, or replace every field of one (hq_operator); audited."""
    authorize(principal, "wallet.plan", "write")
    values = await _checked(principal.brand_id, plan)
    async with events.atomic():
        if plan_id is None:
            row, before = await TopUpPlan.create(brand_id=principal.brand_id, **values), {}
        else:
            row = await TopUpPlan.filter(id=plan_id, brand_id=principal.brand_id).select_for_update().first()
            if row is None:
                raise DomainError(WalletErrorCode.PLAN_NOT_FOUND, "No such top-up plan.", "id")
            before = _snapshot(row)
            row.update_from_dict(values)
            await row.save()
        if changed := audit.diff(before, _snapshot(row)):
            await audit.record(principal, brand_id=principal.brand_id, action="wallet.plan.upsert",
                               object_type="TopUpPlan", object_id=row.id, changes=changed)
    return row


def offered_at(plan: TopUpPlan, store_id: int, now: datetime) -> bool:
    return (plan.active and (plan.offered_store_ids is None or store_id in plan.offered_store_ids)
            and (plan.active_from is None or plan.active_from <= now)
            and (plan.active_to is None or now < plan.active_to))


async def top_up_plans(principal: Principal, store_id: int, now: datetime | None = None) -> list[TopUpPlan]:
    """The plans offered at this store now."""
    authorize(principal, "wallet.plan", "read")
    store = await require_store(principal, store_id)
    now = (now or datetime.now(UTC)).astimezone(UTC)
    rows = await TopUpPlan.filter(brand_id=principal.brand_id, active=True).filter(
        Q(active_from__isnull=True) | Q(active_from__lte=now)).filter(
        Q(active_to__isnull=True) | Q(active_to__gt=now)).order_by("id")
    return [row for row in rows if offered_at(row, store.id, now)]


async def consumption_rule(brand_id: int) -> ConsumptionRule:
    row = await WalletSettings.filter(brand_id=brand_id).first()
    return row.consumption_rule if row else ConsumptionRule.PROPORTIONAL


async def wallet_settings(principal: Principal) -> ConsumptionRule:
    authorize(principal, "wallet.settings", "read")
    return await consumption_rule(principal.brand_id)


async def update_wallet_settings(principal: Principal, *, rule: ConsumptionRule) -> ConsumptionRule:
    """HQ sets how payments split principal and bonus; audited."""
    authorize(principal, "wallet.settings", "update")
    async with events.atomic():
        row = await WalletSettings.filter(brand_id=principal.brand_id).select_for_update().first()
        before = row.consumption_rule if row else ConsumptionRule.PROPORTIONAL
        if row is None:
            row = await WalletSettings.create(brand_id=principal.brand_id, consumption_rule=rule)
        else:
            row.consumption_rule = rule
            await row.save()
        if before is not rule:
            await audit.record(principal, brand_id=principal.brand_id, action="wallet.settings.update",
                               object_type="WalletSettings", object_id=row.id,
                               changes={"consumptionRule": [before.value, rule.value]})
    return rule
