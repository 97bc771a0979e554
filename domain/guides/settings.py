"""The brand's guide-task thresholds: HQ (operator or admin) sets them; defaults until then."""

from __future__ import annotations

from dataclasses import dataclass

from domain import events
from domain.guides.errors import GuideErrorCode
from domain.guides.models import GuideSettings
from franchise import audit
from franchise.errors import DomainError
from policies import Principal, authorize

# field: (low, high, API name); the defaults are the model's.
LIMITS = {
    "near_tier_percent": (1, 50, "nearTierPercent"),
    "high_points_threshold": (1, 100_000_000, "highPointsThreshold"),
    "high_points_idle_days": (1, 3650, "highPointsIdleDays"),
    "points_expiring_days": (1, 365, "pointsExpiringDays"),
    "coupon_expiring_days": (1, 365, "couponExpiringDays"),
    "dormant_days": (1, 3650, "dormantDays"),
    "cooldown_days": (1, 365, "cooldownDays"),
}


async def brand_guide_settings(brand_id: int) -> GuideSettings:
    """The brand's thresholds, or the defaults (unsaved) when HQ never set them."""
    return await GuideSettings.filter(brand_id=brand_id).first() or GuideSettings(brand_id=brand_id)


async def get_guide_settings(principal: Principal) -> GuideSettings:
    authorize(principal, "guide.settings", "read")
    return await brand_guide_settings(principal.brand_id)


@dataclass
class GuideSettingsInput:
    near_tier_percent: int | None = None
    high_points_threshold: int | None = None
    high_points_idle_days: int | None = None
    points_expiring_days: int | None = None
    coupon_expiring_days: int | None = None
    dormant_days: int | None = None
    cooldown_days: int | None = None


async def update_guide_settings(principal: Principal, change: GuideSettingsInput) -> GuideSettings:
    authorize(principal, "guide.settings", "update")
    for name, (low, high, api_name) in LIMITS.items():
        value = getattr(change, name)
        if value is not None and not low <= value <= high:
            raise DomainError(GuideErrorCode.INVALID_GUIDE_SETTINGS, f"{api_name} is {low} to {high}.", api_name)
    async with events.atomic():
        await GuideSettings.get_or_create(brand_id=principal.brand_id)
        row = await GuideSettings.filter(brand_id=principal.brand_id).select_for_update().first()
        before = {name: getattr(row, name) for name in LIMITS}
        for name in LIMITS:
            if getattr(change, name) is not None:
                setattr(row, name, getattr(change, name))
        await row.save()
        if changed := audit.diff(before, {name: getattr(row, name) for name in LIMITS}):
            await audit.record(principal, brand_id=principal.brand_id, action="guide_settings.update",
                               object_type="GuideSettings", object_id=row.id, changes=changed)
    return row
