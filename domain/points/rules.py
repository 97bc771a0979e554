"""HQ's points rules: what a purchase earns and when a lot expires. One version per change."""

from __future__ import annotations

from dataclasses import dataclass, fields as dataclass_fields
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.points.errors import PointsErrorCode
from domain.points.models import ExpiryPolicy, PointsRules
from franchise import audit
from franchise.errors import DomainError
from franchise.models import Brand
from policies import Principal, authorize

ACTIVITIES = ("CHECK_IN", "SHARE", "REFERRAL", "POST", "COMMENT", "REVIEW")


@dataclass
class RulesInput:
    """What HQ sets; None keeps the current value."""

    earn_points: int | None = None
    earn_per_minor: int | None = None
    tier_multipliers: dict[int, Decimal] | None = None
    wallet_paid_earns: bool | None = None
    activity_points: dict[str, dict[str, int]] | None = None
    expiry_policy: ExpiryPolicy | None = None
    expiry_n: int | None = None
    daily_cap: int | None = None
    clear_daily_cap: bool = False
    redeem_enabled: bool | None = None
    redeem_points: int | None = None
    redeem_value_minor: int | None = None
    redeem_max_share_percent: int | None = None
    redeem_min_points: int | None = None


# The platform's starting point for a brand that has not set its own: 1 point per yuan, 12 months.
DEFAULTS: dict[str, Any] = {
    "earn_points": 1, "earn_per_minor": 100, "tier_multipliers": {}, "wallet_paid_earns": False,
    "activity_points": {}, "expiry_policy": ExpiryPolicy.ROLLING_MONTHS, "expiry_n": 12,
    "daily_cap": None, "redeem_enabled": True, "redeem_points": 100, "redeem_value_minor": 100,
    "redeem_max_share_percent": 50, "redeem_min_points": 100,
}


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(PointsErrorCode.INVALID_RULES, message, field)


async def current_rules(brand_id: int) -> PointsRules:
    """The brand's latest rules; the first call stores the platform defaults as version 1."""
    rules = await PointsRules.filter(brand_id=brand_id).order_by("-version").first()
    if rules is not None:
        return rules
    try:
        async with in_transaction():
            return await PointsRules.create(brand_id=brand_id, version=1, created_by="platform", **DEFAULTS)
    except IntegrityError:  # another request stored them first
        return await PointsRules.filter(brand_id=brand_id).order_by("-version").first()


async def get_points_rules(principal: Principal) -> PointsRules:
    authorize(principal, "points.rules", "read")
    return await current_rules(principal.brand_id)


def _checked(current: PointsRules, change: RulesInput) -> dict[str, Any]:
    values = {f: getattr(current, f) for f in DEFAULTS}
    for field in dataclass_fields(RulesInput):
        value = getattr(change, field.name)
        if field.name in DEFAULTS and value is not None:
            values[field.name] = value
    if change.clear_daily_cap:
        values["daily_cap"] = None
    if not 1 <= values["earn_points"] <= 10_000:
        raise _invalid("Points per step are 1 to 10,000.", "earnPoints")
    if not 1 <= values["earn_per_minor"] <= 100_000_000:
        raise _invalid("The spend step is 0.01 to 1,000,000.", "earnPer")
    multipliers = {}
    for level, factor in dict(values["tier_multipliers"]).items():
        try:
            level, factor = int(level), Decimal(str(factor))
        except (ValueError, InvalidOperation):
            raise _invalid("A multiplier is a tier level and a number.", "tierMultipliers") from None
        if not 1 <= level <= 10 or not Decimal("0") <= factor <= Decimal("10") or factor != factor.quantize(Decimal("0.01")):
            raise _invalid("Levels are 1-10; a multiplier is 0 to 10 with at most two decimals.", "tierMultipliers")
        multipliers[str(level)] = str(factor)
    values["tier_multipliers"] = multipliers
    activities = {}
    for name, setting in dict(values["activity_points"]).items():
        if name not in ACTIVITIES:
            raise _invalid(f"Activities are {', '.join(ACTIVITIES)}.", "activityPoints")
        points, cap = int(setting.get("points", 0)), int(setting.get("daily_cap", 0))
        if not 0 <= points <= 100_000 or not 0 <= cap <= 1_000_000:
            raise _invalid("Activity points and caps are not negative.", "activityPoints")
        activities[name] = {"points": points, "daily_cap": cap}
    values["activity_points"] = activities
    values["expiry_policy"] = ExpiryPolicy(values["expiry_policy"])
    if not 1 <= values["expiry_n"] <= 120:
        raise _invalid("The expiry period is 1 to 120.", "expiryN")
    if values["daily_cap"] is not None and not 1 <= values["daily_cap"] <= 10_000_000:
        raise _invalid("A daily cap is at least 1.", "dailyCap")
    if not 1 <= values["redeem_points"] <= 1_000_000 or not 1 <= values["redeem_value_minor"] <= 100_000_000:
        raise _invalid("Points as cash: a positive number of points for a positive amount.", "redeemPoints")
    if not 1 <= values["redeem_max_share_percent"] <= 100:
        raise _invalid("Points pay 1 to 100 percent of an order.", "redeemMaxSharePercent")
    if not 0 <= values["redeem_min_points"] <= 10_000_000:
        raise _invalid("The minimum is not negative.", "redeemMinPoints")
    return values


async def update_points_rules(principal: Principal, change: RulesInput) -> PointsRules:
    """HQ admin alone. A new version; earnings from now on use it, the ledger keeps the old."""
    authorize(principal, "points.rules", "update")
    current = await current_rules(principal.brand_id)
    values = _checked(current, change)
    try:
        async with in_transaction():
            rules = await PointsRules.create(
                brand_id=principal.brand_id, version=current.version + 1,
                created_by=audit.actor_of(principal), **values,
            )
            before = {f: getattr(current, f) for f in DEFAULTS}
            await audit.record(
                principal, brand_id=principal.brand_id, action="points_rules.update",
                object_type="PointsRules", object_id=rules.version,
                changes=audit.diff(_plain(before), _plain(values)),
            )
    except IntegrityError:
        raise DomainError(
            PointsErrorCode.RULES_CHANGED, "The rules changed meanwhile; reload and try again.", None
        ) from None
    return rules


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.value if isinstance(v, ExpiryPolicy) else v) for k, v in values.items()}


def multiplier_for(rules: PointsRules, tier_level: int | None, tier_default: Decimal = Decimal(1)) -> Fraction:
    """The points rules' multiplier for a tier level when HQ set one there, else the tier
    programme's own (`tier_default`); no tier earns ×1."""
    if not tier_level:
        return Fraction(1)
    return Fraction(Decimal(rules.tier_multipliers.get(str(tier_level), tier_default)))


def points_for(rules: PointsRules, eligible_minor: int, multiplier: Fraction = Fraction(1)) -> int:
    """N points for each whole M of spend ("10 points per 100 yuan": 199.99 earns 10), times
    the multiplier, rounded down once at the end."""
    if eligible_minor <= 0:
        return 0
    steps = eligible_minor // rules.earn_per_minor
    return int(steps * rules.earn_points * multiplier)  # int() of a non-negative Fraction rounds down


def expires_at(rules: PointsRules, earned_at: datetime, timezone: str) -> datetime:
    """The instant a lot earned at `earned_at` expires: midnight, in the brand's time zone,
    after the last day it is valid."""
    zone = ZoneInfo(timezone)
    local_day = earned_at.astimezone(zone).date()
    if rules.expiry_policy is ExpiryPolicy.ROLLING_MONTHS:
        last_day = local_day + relativedelta(months=rules.expiry_n)
    else:
        last_day = local_day.replace(year=local_day.year + rules.expiry_n, month=12, day=31)
    return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone)


def local_day_bounds(moment: datetime, timezone: str) -> tuple[datetime, datetime]:
    """The start and end of `moment`'s day in the brand's time zone, for daily caps.

    Returned in UTC: SQLite stores datetimes as UTC text and compares filter values as text,
    so a bound written as "00:00+08:00" would miss rows stored as "16:00+00:00" the day before."""
    day = moment.astimezone(ZoneInfo(timezone)).date()
    return local_days_bounds(day, day, timezone)


def local_days_bounds(first_day: date, last_day: date, timezone: str) -> tuple[datetime, datetime]:
    """Local days `first_day`..`last_day` (inclusive) in the brand's zone as UTC instants, the
    end exclusive (UTC for the reason above)."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(first_day, time(0), tzinfo=zone)
    end = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


async def brand_timezone(brand_id: int) -> str:
    return (await Brand.get(id=brand_id)).timezone
