"""Coupons: HQ's templates, issuing coupons (HQ, the mall, other areas) and using them at a store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from domain.coupons import codes
from domain.coupons.errors import CouponErrorCode
from domain.coupons.models import Coupon, CouponKind, CouponStatus, CouponTemplate
from domain.members.access import check_member_readable
from domain.members.errors import MemberErrorCode
from domain.members.models import Member
from franchise import audit, validation
from franchise.errors import DomainError
from franchise.models import Store
from franchise.stores import require_store
from policies import NotAuthorized, Principal, PrincipalKind, authorize

CODE_LENGTH = 12
MAX_VALID_DAYS = 3660


def _now() -> datetime:
    return datetime.now(UTC)


def status_at(coupon: Coupon, now: datetime) -> CouponStatus:
    """USED and UNUSED are stored; an unused coupon past its validity reads as EXPIRED."""
    if coupon.status is CouponStatus.UNUSED and coupon.valid_until <= now:
        return CouponStatus.EXPIRED
    return coupon.status


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(CouponErrorCode.INVALID_COUPON_TEMPLATE, message, field)


@dataclass
class TemplateInput:
    name: str
    kind: CouponKind
    amount_off: object = None  # money, AMOUNT_OFF
    percent_off: int | None = None  # 1-99, PERCENT_OFF
    max_discount: object = None  # money, the PERCENT_OFF cap
    gift_item: str | None = None  # GIFT
    min_spend: object = 0
    store_ids: list[int] | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    valid_days: int | None = None
    per_member_limit: int | None = None


async def _check_template(principal: Principal, data: TemplateInput) -> dict:
    values: dict = {
        "name": validation.text(data.name, "name", max_length=100),
        "kind": data.kind,
        "min_spend_minor": validation.money_to_minor(data.min_spend or 0, "minSpend"),
    }
    if data.kind is CouponKind.AMOUNT_OFF:
        if data.amount_off is None:
            raise _invalid("An amount-off coupon needs its amount.", "amountOff")
        values["amount_off_minor"] = validation.money_to_minor(data.amount_off, "amountOff", allow_zero=False)
    elif data.kind is CouponKind.PERCENT_OFF:
        if data.percent_off is None or not 1 <= data.percent_off <= 99:
            raise _invalid("A percent-off coupon takes 1 to 99 percent.", "percentOff")
        values["percent_off"] = data.percent_off
        if data.max_discount is not None:
            values["max_discount_minor"] = validation.money_to_minor(data.max_discount, "maxDiscount",
                                                                     allow_zero=False)
    else:
        values["gift_item"] = validation.text(data.gift_item, "giftItem", max_length=100)
    store_ids = sorted(set(data.store_ids or []))
    if store_ids:
        found = await Store.filter(brand_id=principal.brand_id, id__in=store_ids).count()
        if found != len(store_ids):
            raise _invalid("A usable store is not a store of the brand.", "storeIds")
    values["store_ids"] = store_ids
    if (data.valid_days is None) == (data.valid_until is None):
        raise _invalid("Give either fixed dates (validUntil) or validDays after issue.", "validDays")
    if data.valid_days is not None:
        values["valid_days"] = validation.bounded_int(data.valid_days, "validDays", low=1, high=MAX_VALID_DAYS)
    else:
        values["valid_until"] = data.valid_until.astimezone(UTC)
        if data.valid_from is not None and data.valid_from >= data.valid_until:
            raise _invalid("validFrom is before validUntil.", "validUntil")
    values["valid_from"] = data.valid_from.astimezone(UTC) if data.valid_from else None
    if data.per_member_limit is not None:
        values["per_member_limit"] = validation.bounded_int(data.per_member_limit, "perMemberLimit",
                                                            low=1, high=10_000)
    return values


async def create_coupon_template(principal: Principal, data: TemplateInput) -> CouponTemplate:
    authorize(principal, "coupon_template", "write")
    values = await _check_template(principal, data)
    async with in_transaction():
        template = await CouponTemplate.create(brand_id=principal.brand_id, created_by=audit.actor_of(principal),
                                               **values)
        await audit.record(principal, brand_id=principal.brand_id, action="coupon_template.create",
                           object_type="CouponTemplate", object_id=template.id,
                           changes=audit.diff({}, {k: str(v) for k, v in values.items()}))
    return template


async def issue_coupon(principal: Principal, *, member_id: int, template_id: int, idempotency_key: str,
                       now: datetime | None = None) -> tuple[Coupon, bool]:
    """HQ gives a member a coupon; once per idempotency key. Returns (coupon, replayed)."""
    authorize(principal, "coupon", "issue")
    key = validation.text(idempotency_key, "idempotencyKey", max_length=100)
    if not await Member.filter(id=member_id, brand_id=principal.brand_id).exists():
        raise DomainError(MemberErrorCode.MEMBER_NOT_FOUND, "No such member.", "memberId")
    return await _issue(brand_id=principal.brand_id, member_id=member_id, template_id=template_id, source="HQ",
                        idempotency_key=f"hq:{key}", now=now or _now(), store_id=None,
                        actor=audit.actor_of(principal))


async def issue_coupon_to_member(*, brand_id: int, member_id: int, template_id: int, source: str,
                                 idempotency_key: str, now: datetime, store_id: int | None = None,
                                 actor: str | None = None) -> Coupon:
    """Issue a coupon of the template to the member, for callers that already authorized (the
    mall, top-ups, tiers, automations). Runs inside the caller's transaction if there is one.
    Idempotent on (brand, idempotency_key): a replay returns the first coupon. The template's
    row lock serialises issues, so the per-member limit holds under concurrent calls."""
    coupon, _ = await _issue(brand_id=brand_id, member_id=member_id, template_id=template_id, source=source,
                             idempotency_key=idempotency_key, now=now, store_id=store_id, actor=actor)
    return coupon


async def _issue(*, brand_id: int, member_id: int, template_id: int, source: str, idempotency_key: str,
                 now: datetime, store_id: int | None, actor: str | None) -> tuple[Coupon, bool]:
    """(the coupon, whether it is a replay of an earlier issue with this key)"""
    now = now.astimezone(UTC)
    try:
        async with in_transaction():  # a savepoint inside the caller's transaction
            template = await CouponTemplate.filter(id=template_id, brand_id=brand_id).select_for_update().first()
            if template is None:
                raise DomainError(CouponErrorCode.COUPON_TEMPLATE_NOT_FOUND, "No such coupon template.", "templateId")
            done = await Coupon.filter(brand_id=brand_id, idempotency_key=idempotency_key).first()
            if done is not None:
                return _replay(done, member_id, template_id)
            if template.per_member_limit is not None:
                held = await Coupon.filter(template_id=template.id, member_id=member_id).count()
                if held >= template.per_member_limit:
                    raise DomainError(CouponErrorCode.COUPON_LIMIT_REACHED,
                                      f"A member holds at most {template.per_member_limit} of this coupon.",
                                      "templateId")
            valid_from = template.valid_from or now
            valid_until = template.valid_until or now + timedelta(days=template.valid_days)
            if valid_until <= now:
                raise DomainError(CouponErrorCode.COUPON_EXPIRED, "This coupon's validity is over.", "templateId")
            code = codes.new_code(CODE_LENGTH)
            while await Coupon.filter(brand_id=brand_id, code=code).exists():
                code = codes.new_code(CODE_LENGTH)  # ~1e-17 a draw; the unique index backs it
            coupon = await Coupon.create(
                brand_id=brand_id, template_id=template.id, member_id=member_id, code=code, source=source,
                idempotency_key=idempotency_key, issued_store_id=store_id, issued_by=actor or source.lower(),
                issued_at=now, valid_from=valid_from, valid_until=valid_until,
            )
            template.issued_count += 1
            await template.save(update_fields=["issued_count"])
            return coupon, False
    except IntegrityError:
        done = await Coupon.filter(brand_id=brand_id, idempotency_key=idempotency_key).first()
        if done is None:
            raise
        return _replay(done, member_id, template_id)


def _replay(done: Coupon, member_id: int, template_id: int) -> tuple[Coupon, bool]:
    if done.member_id != member_id or done.template_id != template_id:
        raise DomainError(CouponErrorCode.COUPON_KEY_CONFLICT, "This key issued another coupon.", "idempotencyKey")
    return done, True


@dataclass
class CouponUse:
    coupon: Coupon
    template: CouponTemplate
    discount_minor: int
    replayed: bool


def discount_for(template: CouponTemplate, order_minor: int) -> int:
    if template.kind is CouponKind.AMOUNT_OFF:
        return min(template.amount_off_minor, order_minor)
    if template.kind is CouponKind.PERCENT_OFF:
        off = order_minor * template.percent_off // 100
        return min(off, template.max_discount_minor) if template.max_discount_minor is not None else off
    return 0  # GIFT: the item comes with the order


async def use_coupon(principal: Principal, *, code: str, store_id: int, order_amount, order_id: str,
                     member_id: int | None = None, now: datetime | None = None) -> CouponUse:
    """Apply a coupon to an order at a store, once; the same order id again replays the result."""
    authorize(principal, "coupon", "use", store_id=store_id)
    store = await require_store(principal, store_id)
    code = codes.normalise(validation.text(code, "code", max_length=32))
    order_id = validation.text(order_id, "orderId", max_length=64)
    order_minor = validation.money_to_minor(order_amount, "orderAmount", allow_zero=False)
    now = (now or _now()).astimezone(UTC)
    try:
        async with in_transaction():
            coupon = await Coupon.filter(brand_id=principal.brand_id, code=code).select_for_update().first()
            if coupon is None:
                raise DomainError(CouponErrorCode.COUPON_NOT_FOUND, "No such coupon.", "code")
            template = await CouponTemplate.get(id=coupon.template_id)
            if coupon.used_order_id == order_id:
                return _use_replay(coupon, template, store.id, order_minor)
            if await Coupon.filter(brand_id=principal.brand_id, used_order_id=order_id).exists():
                raise DomainError(CouponErrorCode.COUPON_ORDER_CONFLICT, "This order used another coupon.",
                                  "orderId")
            _check_usable(coupon, template, store.id, order_minor, member_id, now)
            discount = discount_for(template, order_minor)
            coupon.update_from_dict({
                "status": CouponStatus.USED, "used_at": now, "used_store_id": store.id, "used_order_id": order_id,
                "used_order_minor": order_minor, "discount_minor": discount, "used_by": audit.actor_of(principal),
            })
            async with in_transaction():  # a savepoint: the same order id may land at once elsewhere
                await coupon.save()
            await CouponTemplate.filter(id=template.id).update(used_count=F("used_count") + 1)
            return CouponUse(coupon, template, discount, replayed=False)
    except IntegrityError:
        raise DomainError(CouponErrorCode.COUPON_ORDER_CONFLICT, "This order used another coupon.",
                          "orderId") from None


def _use_replay(coupon: Coupon, template: CouponTemplate, store_id: int, order_minor: int) -> CouponUse:
    if coupon.used_store_id != store_id or coupon.used_order_minor != order_minor:
        raise DomainError(CouponErrorCode.COUPON_ORDER_CONFLICT,
                          "This order used the coupon with another store or amount.", "orderId")
    return CouponUse(coupon, template, coupon.discount_minor or 0, replayed=True)


def _check_usable(coupon: Coupon, template: CouponTemplate, store_id: int, order_minor: int,
                  member_id: int | None, now: datetime) -> None:
    if coupon.status is CouponStatus.USED:
        raise DomainError(CouponErrorCode.COUPON_ALREADY_USED, "This coupon was used.", "code")
    if member_id is not None and coupon.member_id != member_id:
        raise DomainError(CouponErrorCode.COUPON_NOT_OWNED, "This coupon belongs to another member.", "memberId")
    if now < coupon.valid_from:
        raise DomainError(CouponErrorCode.COUPON_NOT_YET_VALID, "This coupon is not valid yet.", "code")
    if now >= coupon.valid_until:
        raise DomainError(CouponErrorCode.COUPON_EXPIRED, "This coupon has expired.", "code")
    if template.store_ids and store_id not in template.store_ids:
        raise DomainError(CouponErrorCode.COUPON_STORE_NOT_ELIGIBLE, "This coupon is not usable at this store.",
                          "storeId")
    if order_minor < template.min_spend_minor:
        raise DomainError(CouponErrorCode.COUPON_BELOW_MIN_SPEND,
                          f"This coupon needs an order of at least {validation.minor_to_money(template.min_spend_minor)}.",
                          "orderAmount")


def member_coupons_query(principal: Principal, member: Member, status: CouponStatus | None = None,
                         now: datetime | None = None):
    """A member's coupons, to the member itself and to staff who may read the member."""
    check_member_readable(principal, member)
    if principal.kind is PrincipalKind.MEMBER:
        authorize(principal, "coupon", "read_self")
    elif principal.kind is PrincipalKind.API_CLIENT:
        raise NotAuthorized()  # no partner scope reads coupons
    else:
        authorize(principal, "coupon", "read")
    query = Coupon.filter(brand_id=member.brand_id, member_id=member.id)
    now = (now or _now()).astimezone(UTC)
    if status is CouponStatus.USED:
        query = query.filter(status=CouponStatus.USED)
    elif status is CouponStatus.UNUSED:
        query = query.filter(status=CouponStatus.UNUSED, valid_until__gt=now)
    elif status is CouponStatus.EXPIRED:
        query = query.filter(status=CouponStatus.UNUSED, valid_until__lte=now)
    return query
