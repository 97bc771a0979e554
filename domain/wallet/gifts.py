"""What a top-up plan or a paid membership gives beside money: coupons of HQ's templates and
a gift card already claimed by the member. Plans name the templates; a gift is issued inside
the caller's transaction, once per idempotency key."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from domain.coupons.errors import CouponErrorCode
from domain.coupons.models import Coupon, CouponTemplate
from domain.coupons.service import issue_coupon_to_member
from domain.giftcards.models import GiftCardTemplate
from domain.wallet.errors import WalletErrorCode
from franchise.errors import DomainError

log = logging.getLogger("loyalty.wallet.gifts")
MAX_COUPONS = 20
# The member cannot hold one more of this coupon, or its dates are over: the payment still
# goes through and the gift is left out (the payload lists what was given).
SKIPPED_COUPON_CODES = (CouponErrorCode.COUPON_LIMIT_REACHED, CouponErrorCode.COUPON_EXPIRED)


async def checked_coupon_templates(brand_id: int, ids: list[int] | None, field: str) -> list[int]:
    """The distinct template ids, each a coupon template of the brand whose dates are not over."""
    ids = list(dict.fromkeys(ids or []))
    if len(ids) > MAX_COUPONS:
        raise DomainError(WalletErrorCode.INVALID_PLAN, f"At most {MAX_COUPONS} coupon templates.", field)
    if ids:
        now = datetime.now(UTC)
        live = await CouponTemplate.filter(brand_id=brand_id, id__in=ids).values_list("id", "valid_until")
        if len(live) != len(ids) or any(until is not None and until <= now for _, until in live):
            raise DomainError(WalletErrorCode.INVALID_PLAN,
                              "A coupon template is not one of the brand's, or its dates are over.", field)
    return ids


async def checked_gift_card_template(brand_id: int, template_id: int | None, field: str) -> int | None:
    if template_id is None:
        return None
    if not await GiftCardTemplate.filter(id=template_id, brand_id=brand_id, active=True).exists():
        raise DomainError(WalletErrorCode.INVALID_PLAN, "The gift card template is not an active one of the brand's.",
                          field)
    return template_id


async def give_coupons(*, brand_id: int, member_id: int, template_ids: list[int], key_prefix: str, source: str,
                       now: datetime, store_id: int | None, actor: str) -> list[Coupon]:
    """One coupon of each template, keyed `{key_prefix}:coupon:{template id}`: a second call
    with the same prefix returns the first coupons and issues nothing."""
    given = []
    for template_id in template_ids:
        try:
            given.append(await issue_coupon_to_member(
                brand_id=brand_id, member_id=member_id, template_id=template_id, source=source,
                idempotency_key=f"{key_prefix}:coupon:{template_id}", now=now, store_id=store_id, actor=actor))
        except DomainError as error:
            if error.code not in SKIPPED_COUPON_CODES:
                raise
            log.info("coupon %s not given to member %s (%s): %s", template_id, member_id, key_prefix, error.code)
    return given


async def coupons_given(brand_id: int, key_prefix: str) -> list[Coupon]:
    return await Coupon.filter(brand_id=brand_id, idempotency_key__startswith=f"{key_prefix}:coupon:").order_by("id")
