"""Mall items: HQ keeps them; each caller sees what it may redeem."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from domain.coupons.models import CouponTemplate
from domain.mall.errors import MallErrorCode
from domain.mall.models import MallItem, MallItemKind, MallRedemption, MallStockMovement, RedemptionState, StockReason
from domain.members.models import Member
from domain.points.errors import PointsErrorCode
from domain.points.models import PointsAccount
from domain.tiers import service as tiers
from domain.tiers.models import TierProgram
from franchise import audit, validation
from franchise.errors import DomainError
from franchise.models import Store
from policies import Principal, PrincipalKind, authorize, store_scope

MAX_POINTS = 100_000_000


def _invalid(message: str, field_name: str) -> DomainError:
    return DomainError(MallErrorCode.INVALID_MALL_ITEM, message, field_name)


@dataclass
class ItemInput:
    name: str
    kind: MallItemKind
    points_price: int
    id: int | None = None
    description: str | None = None
    cash: object = 0
    stock: int | None = None  # None: unlimited
    per_member_limit: int | None = None
    limit_period_days: int | None = None
    eligible_tiers: list[int] = field(default_factory=list)
    eligible_store_ids: list[int] = field(default_factory=list)
    sale_starts_at: datetime | None = None
    sale_ends_at: datetime | None = None
    near_expiry: bool = False
    coupon_template_id: int | None = None
    pickup_days: int = 7
    active: bool = True


async def _values(principal: Principal, data: ItemInput) -> dict:
    values = {
        "name": validation.text(data.name, "name", max_length=100),
        "description": validation.text(data.description, "description", max_length=500, required=False) or "",
        "kind": data.kind,
        "points_price": validation.bounded_int(data.points_price, "pointsPrice", low=1, high=MAX_POINTS),
        "cash_minor": validation.money_to_minor(data.cash or 0, "cash"),
        "stock": None if data.stock is None else validation.bounded_int(data.stock, "stock", low=0, high=10**9),
        "per_member_limit": None if data.per_member_limit is None else validation.bounded_int(
            data.per_member_limit, "perMemberLimit", low=1, high=10_000),
        "limit_period_days": None if data.limit_period_days is None else validation.bounded_int(
            data.limit_period_days, "limitPeriodDays", low=1, high=3660),
        "eligible_tiers": sorted({validation.bounded_int(t, "eligibleTiers", low=1, high=10)
                                  for t in data.eligible_tiers or []}),
        "eligible_store_ids": sorted(set(data.eligible_store_ids or [])),
        "sale_starts_at": data.sale_starts_at.astimezone(UTC) if data.sale_starts_at else None,
        "sale_ends_at": data.sale_ends_at.astimezone(UTC) if data.sale_ends_at else None,
        "near_expiry": bool(data.near_expiry),
        "pickup_days": validation.bounded_int(data.pickup_days, "pickupDays", low=1, high=365),
        "active": bool(data.active),
        "coupon_template_id": None,
    }
    if values["limit_period_days"] is not None and values["per_member_limit"] is None:
        raise _invalid("A limit period needs a per-member limit.", "limitPeriodDays")
    stores = values["eligible_store_ids"]
    if stores and await Store.filter(brand_id=principal.brand_id, id__in=stores).count() != len(stores):
        raise _invalid("An eligible store is not a store of the brand.", "eligibleStoreIds")
    if values["sale_starts_at"] and values["sale_ends_at"] and values["sale_starts_at"] >= values["sale_ends_at"]:
        raise _invalid("The sale starts before it ends.", "saleEndsAt")
    if data.kind is MallItemKind.COUPON:
        if data.coupon_template_id is None or not await CouponTemplate.filter(
                id=data.coupon_template_id, brand_id=principal.brand_id).exists():
            raise _invalid("A coupon item names a coupon template of the brand.", "couponTemplateId")
        values["coupon_template_id"] = data.coupon_template_id
    return values


def _snapshot(item: MallItem) -> dict:
    return {k: str(getattr(item, k)) for k in (
        "name", "kind", "points_price", "cash_minor", "stock", "per_member_limit", "limit_period_days",
        "eligible_tiers", "eligible_store_ids", "sale_starts_at", "sale_ends_at", "near_expiry",
        "coupon_template_id", "pickup_days", "active")}


async def upsert_mall_item(principal: Principal, data: ItemInput) -> MallItem:
    """Create an item, or replace every field of one. Setting the stock records the difference
    as a RESTOCK movement, under the item's row lock, so concurrent redemptions are counted."""
    authorize(principal, "mall_item", "write")
    values = await _values(principal, data)
    actor = audit.actor_of(principal)
    async with in_transaction():
        if data.id is None:
            item = await MallItem.create(brand_id=principal.brand_id, **values)
            before, old_stock = {}, None
        else:
            item = await MallItem.filter(id=data.id, brand_id=principal.brand_id).select_for_update().first()
            if item is None:
                raise DomainError(MallErrorCode.ITEM_NOT_FOUND, "No such mall item.", "id")
            before, old_stock = _snapshot(item), item.stock
            item.update_from_dict(values)
            await item.save()
        # Unlimited stock has no movements: its ledger sums to zero.
        delta = (item.stock or 0) - (old_stock or 0)
        if delta:
            await MallStockMovement.create(brand_id=item.brand_id, item_id=item.id, delta=delta,
                                           reason=StockReason.RESTOCK, actor=actor)
        if changed := audit.diff(before, _snapshot(item)):
            await audit.record(principal, brand_id=item.brand_id, action="mall_item.upsert", object_type="MallItem",
                               object_id=item.id, changes=changed)
    return item


@dataclass
class Shopper:
    """What decides which items a member may redeem."""

    member: Member
    level: int
    balance: int


async def shopper(brand_id: int, member_id: int, now: datetime) -> Shopper:
    member = await Member.get(id=member_id, brand_id=brand_id)
    program = await TierProgram.filter(brand_id=brand_id).first()
    account = await PointsAccount.filter(member_id=member_id).first()
    return Shopper(member, await tiers.current_level(program, member_id, now), account.balance if account else 0)


def on_sale(item: MallItem, now: datetime) -> bool:
    return (item.active and (item.sale_starts_at is None or item.sale_starts_at <= now)
            and (item.sale_ends_at is None or now < item.sale_ends_at))


def store_eligible(item: MallItem, store_id: int | None) -> bool:
    return not item.eligible_store_ids or store_id in item.eligible_store_ids


def refusal(item: MallItem, buyer: Shopper, now: datetime) -> DomainError | None:
    """Why this member may not redeem this item at all (sale window, tier, store), or None."""
    if not on_sale(item, now):
        return DomainError(MallErrorCode.ITEM_NOT_ON_SALE, "This item is not on sale now.", "itemId")
    if item.eligible_tiers and buyer.level not in item.eligible_tiers:
        return DomainError(MallErrorCode.TIER_NOT_ELIGIBLE, "This item is for members of other tiers.", "itemId")
    if not store_eligible(item, buyer.member.home_store_id):
        return DomainError(MallErrorCode.STORE_NOT_ELIGIBLE, "This item is exclusive to other stores.", "itemId")
    return None


async def visible_items(principal: Principal, now: datetime | None = None) -> list[MallItem]:
    """The items this caller may see, newest first: HQ every item; a member what it may redeem
    (on sale, its tier, its home store); store roles and partners what is on sale at their
    stores. A brand has hundreds of items at most, so eligibility is read in Python."""
    authorize(principal, "mall_item", "read")
    now = (now or datetime.now(UTC)).astimezone(UTC)
    items = await MallItem.filter(brand_id=principal.brand_id).order_by("-id")
    if principal.kind is PrincipalKind.MEMBER:
        buyer = await shopper(principal.brand_id, principal.member_id, now)
        return [item for item in items if refusal(item, buyer, now) is None]
    scope = store_scope(principal)
    if principal.kind is PrincipalKind.STAFF and scope is None:
        return items
    return [item for item in items if on_sale(item, now)
            and (scope is None or not item.eligible_store_ids or scope & set(item.eligible_store_ids))]


async def visible_item(principal: Principal, item_id: int, now: datetime | None = None) -> MallItem | None:
    return next((item for item in await visible_items(principal, now) if item.id == item_id), None)


async def units_redeemed(member_id: int, items: list[MallItem], now: datetime) -> dict[int, int]:
    """Units of each limited item the member redeemed within its limit period (not cancelled)."""
    limited = [item for item in items if item.per_member_limit is not None]
    if not limited:
        return {}
    rows = await MallRedemption.filter(
        member_id=member_id, item_id__in=[item.id for item in limited], state__not=RedemptionState.CANCELLED,
    ).values("item_id", "quantity", "created_at")
    since = {item.id: now - timedelta(days=item.limit_period_days) if item.limit_period_days else None
             for item in limited}
    units: dict[int, int] = {}
    for row in rows:
        start = since[row["item_id"]]
        if start is None or row["created_at"] > start:
            units[row["item_id"]] = units.get(row["item_id"], 0) + row["quantity"]
    return units


def shortfall(item: MallItem, buyer: Shopper, redeemed: int, quantity: int = 1) -> DomainError | None:
    """What stops this member redeeming `quantity` of an item it may see: stock, points, limit."""
    if item.stock is not None and item.stock < quantity:
        return DomainError(MallErrorCode.OUT_OF_STOCK, "Out of stock.", "quantity")
    if item.per_member_limit is not None and redeemed + quantity > item.per_member_limit:
        return DomainError(MallErrorCode.MEMBER_LIMIT_REACHED,
                           f"A member redeems at most {item.per_member_limit} of this item.", "quantity")
    if buyer.balance < item.points_price * quantity:
        return DomainError(PointsErrorCode.INSUFFICIENT_POINTS, "Not enough points.", "quantity")
    return None
