"""The points mall: items, redemptions, pickups at a store; Product.memberPrice."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from strawberry.dataloader import DataLoader

from domain.coupons.models import Coupon
from domain.mall import items as mall_items, prices, redemptions
from domain.mall.models import MallItem, MallItemKind, MallRedemption
from domain.members.access import check_member_readable
from domain.members.models import Member
from franchise.validation import money_to_minor
from policies import PrincipalKind
from resolvers import coupons as coupon_resolvers
from resolvers.errors import attempt, parse_id, parse_optional_id
from resolvers.pagination import Edge, Page, PageInfo, decode_cursor, encode_cursor, paginate, MAX_PAGE
from franchise.errors import DomainError, FranchiseErrorCode


def _item_input(input: Any) -> mall_items.ItemInput:
    return mall_items.ItemInput(
        id=parse_optional_id(input.id, "id"), name=input.name, kind=MallItemKind(input.kind.value),
        points_price=input.points_price, description=input.description,
        cash=input.cash if input.cash is not None else 0, stock=input.stock,
        per_member_limit=input.per_member_limit, limit_period_days=input.limit_period_days,
        eligible_tiers=list(input.eligible_tiers or []),
        eligible_store_ids=[parse_id(s, "eligibleStoreIds") for s in input.eligible_store_ids or []],
        sale_starts_at=input.sale_starts_at, sale_ends_at=input.sale_ends_at, near_expiry=bool(input.near_expiry),
        coupon_template_id=parse_optional_id(input.coupon_template_id, "couponTemplateId"),
        pickup_days=input.pickup_days if input.pickup_days is not None else 7,
        active=input.active if input.active is not None else True,
    )


async def upsert_mall_item(info, input: Any) -> dict:
    async def work():
        return {"item": await mall_items.upsert_mall_item(info.context.principal, _item_input(input))}

    return await attempt(work())


def _page_of(rows: list, first: int, after: str | None) -> Page:
    """A connection over rows already read and filtered (newest first)."""
    if not 0 <= first <= MAX_PAGE:
        raise DomainError(FranchiseErrorCode.INVALID_INPUT, f"first is 0 to {MAX_PAGE}.", "first")
    start = [r for r in rows if r.id < decode_cursor(after)] if after else rows
    page = start[:first]
    edges = [Edge(cursor=encode_cursor(r.id), node=r) for r in page]
    return Page(edges=edges, total_count=len(rows), page_info=PageInfo(
        has_next_page=len(start) > first, end_cursor=edges[-1].cursor if edges else None,
        has_previous_page=after is not None, start_cursor=edges[0].cursor if edges else None))


async def mall_items_page(info, first: int, after: str | None, near_expiry_only: bool) -> Page:
    rows = await mall_items.visible_items(info.context.principal)
    if near_expiry_only:
        rows = [r for r in rows if r.near_expiry]
    return _page_of(rows, first, after)


async def mall_item(info, id: Any) -> MallItem | None:
    return await mall_items.visible_item(info.context.principal, parse_id(id, "id"))


async def _shopper(info) -> mall_items.Shopper:
    principal = info.context.principal
    return await info.context.once(
        "mall:shopper", lambda: mall_items.shopper(principal.brand_id, principal.member_id, datetime.now(UTC)))


def _units_loader(info) -> DataLoader:
    principal = info.context.principal

    async def load(item_ids: list[int]) -> list[int]:
        rows = await MallItem.filter(id__in=list(set(item_ids)))
        units = await mall_items.units_redeemed(principal.member_id, rows, datetime.now(UTC))
        return [units.get(i, 0) for i in item_ids]

    return info.context.memo("mall:units", lambda: DataLoader(load))


async def redeem_refusal(info, item: MallItem) -> str | None:
    """For a member: why it cannot redeem one now (null: it can); for other callers null."""
    if info.context.principal.kind is not PrincipalKind.MEMBER:
        return None
    buyer = await _shopper(info)
    now = datetime.now(UTC)
    refused = mall_items.refusal(item, buyer, now) or mall_items.shortfall(
        item, buyer, await _units_loader(info).load(item.id))
    return refused.code.value if refused else None


async def redeemable(info, item: MallItem) -> bool | None:
    if info.context.principal.kind is not PrincipalKind.MEMBER:
        return None
    return await redeem_refusal(info, item) is None


async def coupon_template(info, template_id: int):
    return await coupon_resolvers.template_by_id(info, template_id)


async def coupon_of(info, redemption: MallRedemption) -> Coupon | None:
    if redemption.coupon_id is None:
        return None
    return await info.context.memo("mall:coupons", lambda: DataLoader(_by_id(Coupon))).load(redemption.coupon_id)


async def member_of(info, redemption: MallRedemption) -> Member | None:
    member = await info.context.loaders.member_by_id.load(redemption.member_id)
    return check_member_readable(info.context.principal, member)


async def redeem_mall_item(info, input: Any) -> dict:
    async def work():
        done = await redemptions.redeem_mall_item(
            info.context.principal, item_id=parse_id(input.item_id, "itemId"), quantity=input.quantity,
            idempotency_key=input.idempotency_key,
            pickup_store_id=parse_optional_id(input.pickup_store_id, "pickupStoreId"),
        )
        return {"redemption": done.redemption, "balance": done.balance, "replayed": done.replayed}

    return await attempt(work())


async def verify_redemption(info, input: Any) -> dict:
    async def work():
        return {"redemption": await redemptions.verify_redemption(
            info.context.principal, code=input.code, store_id=parse_optional_id(input.store_id, "storeId"))}

    return await attempt(work())


async def cancel_redemption(info, input: Any) -> dict:
    async def work():
        return {"redemption": await redemptions.cancel_redemption(
            info.context.principal, redemption_id=parse_id(input.redemption_id, "redemptionId"), reason=input.reason)}

    return await attempt(work())


async def member_redemptions(info, member: Member, first: int, after: str | None) -> Page:
    return await paginate(redemptions.member_redemptions_query(info.context.principal, member),
                          first=first, after=after)


async def store_pickups(info, store_id: Any, first: int, after: str | None) -> Page:
    query = await redemptions.store_pickups_query(info.context.principal, parse_id(store_id, "storeId"))
    return await paginate(query, first=first, after=after)


def own_code(info, redemption: MallRedemption) -> str | None:
    """The verification code is shown to its member only: whoever holds it collects."""
    principal = info.context.principal
    if principal.kind is PrincipalKind.MEMBER and principal.member_id == redemption.member_id:
        return redemption.verification_code
    return None


def own_qr(info, redemption: MallRedemption) -> str | None:
    return redemptions.qr_payload(redemption) if own_code(info, redemption) else None


async def item_of(info, redemption: MallRedemption) -> MallItem:
    return await info.context.memo("mall:items", lambda: DataLoader(_by_id(MallItem))).load(redemption.item_id)


def _by_id(model):
    """A batch load by primary key; the rows are reached through brand-checked redemptions."""
    async def load(ids: list[int]) -> list:
        rows = {r.id: r for r in await model.filter(id__in=list(set(ids)))}
        return [rows.get(i) for i in ids]

    return load


async def member_price(info, *, sku: str, store_id: Any, tier_level: int | None, list_price: Any) -> int | None:
    """Product.memberPrice: the branch price, with the tier's discount (see domain.mall.prices)."""
    list_minor = None if list_price is None else money_to_minor(list_price, "price")
    return await prices.member_price_minor(info.context.principal, sku=sku, store_id=parse_id(store_id, "storeId"),
                                           tier_level=tier_level, list_price_minor=list_minor)
