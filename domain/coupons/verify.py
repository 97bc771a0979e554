"""The coupon ledger check: per template, issued = used + unused + expired, and the template's
counters agree with its coupons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.functions import Count

from domain.coupons.models import Coupon, CouponStatus, CouponTemplate


@dataclass
class CouponInconsistency:
    template_id: int
    issued_count: int
    used_count: int
    coupons: int
    used: int
    unused: int
    expired: int


async def verify_coupons(brand_id: int | None = None, now: datetime | None = None) -> list[CouponInconsistency]:
    """Every template whose counters disagree with its coupons (empty when all hold): five
    queries, whatever the number of coupons."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    templates = CouponTemplate.all() if brand_id is None else CouponTemplate.filter(brand_id=brand_id)
    coupons = Coupon.all() if brand_id is None else Coupon.filter(brand_id=brand_id)
    counts: dict[tuple[int, str], int] = {}
    for label, query in (
        ("used", coupons.filter(status=CouponStatus.USED)),
        ("unused", coupons.filter(status=CouponStatus.UNUSED, valid_until__gt=now)),
        ("expired", coupons.filter(status=CouponStatus.UNUSED, valid_until__lte=now)),
        ("all", coupons),
    ):
        rows = await query.annotate(n=Count("id")).group_by("template_id").values("template_id", "n")
        counts.update({(row["template_id"], label): int(row["n"]) for row in rows})
    problems = []
    for template in await templates:
        got = {label: counts.get((template.id, label), 0) for label in ("used", "unused", "expired", "all")}
        consistent = (template.issued_count == got["all"] == got["used"] + got["unused"] + got["expired"]
                      and template.used_count == got["used"])
        if not consistent:
            problems.append(CouponInconsistency(template.id, template.issued_count, template.used_count,
                                                got["all"], got["used"], got["unused"], got["expired"]))
    return problems
