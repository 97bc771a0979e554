"""The brand's engagement settings: check-in streak bonus, expiry reminders, the campaign
rule and the partner webhook for notifications. HQ admin changes them (a streak bonus is a
points rule); HQ operators read them."""

from __future__ import annotations

from dataclasses import dataclass


from domain import events
from domain.engagement.errors import EngagementErrorCode
from domain.engagement.models import CampaignRule, EngagementSettings
from franchise import audit, validation
from franchise.errors import DomainError
from policies import Principal, authorize

SHOWN = ("streak_days", "streak_bonus", "expiry_reminder_days", "campaign_rule", "webhook_url")


async def brand_settings(brand_id: int) -> EngagementSettings:
    """The brand's settings, or the defaults (unsaved) when HQ never set them."""
    found = await EngagementSettings.filter(brand_id=brand_id).first()
    return found or EngagementSettings(brand_id=brand_id, streak_days=7, streak_bonus=0, expiry_reminder_days=7,
                                       campaign_rule=CampaignRule.HIGHEST)


async def get_engagement_settings(principal: Principal) -> EngagementSettings:
    authorize(principal, "engagement.settings", "read")
    return await brand_settings(principal.brand_id)


@dataclass
class SettingsInput:
    streak_days: int | None = None
    streak_bonus: int | None = None
    expiry_reminder_days: int | None = None
    campaign_rule: CampaignRule | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = None
    clear_webhook: bool = False


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(EngagementErrorCode.INVALID_SETTINGS, message, field)


async def update_engagement_settings(principal: Principal, change: SettingsInput) -> EngagementSettings:
    authorize(principal, "engagement.settings", "update")
    if change.streak_days is not None and not 2 <= change.streak_days <= 365:
        raise _invalid("A streak is 2 to 365 days.", "streakDays")
    if change.streak_bonus is not None and not 0 <= change.streak_bonus <= 100_000:
        raise _invalid("A streak bonus is 0 to 100,000 points.", "streakBonus")
    if change.expiry_reminder_days is not None and not 1 <= change.expiry_reminder_days <= 90:
        raise _invalid("Reminders go 1 to 90 days ahead.", "expiryReminderDays")
    url = validation.text(change.webhook_url, "webhookUrl", max_length=500, required=False)
    if url is not None and not url.startswith(("https://", "http://")):
        raise _invalid("A webhook is an http(s) URL.", "webhookUrl")
    secret = validation.text(change.webhook_secret, "webhookSecret", max_length=128, required=False)
    if url is not None and secret is None:
        raise _invalid("A webhook needs a signing secret (16+ characters).", "webhookSecret")
    if secret is not None and len(secret) < 16:
        raise _invalid("A signing secret has 16+ characters.", "webhookSecret")
    async with events.atomic():
        row = await EngagementSettings.filter(brand_id=principal.brand_id).select_for_update().first()
        if row is None:
            await EngagementSettings.get_or_create(brand_id=principal.brand_id)
            row = await EngagementSettings.filter(brand_id=principal.brand_id).select_for_update().first()
        before = {f: getattr(row, f) for f in SHOWN}
        for name in ("streak_days", "streak_bonus", "expiry_reminder_days", "campaign_rule"):
            if getattr(change, name) is not None:
                setattr(row, name, getattr(change, name))
        if url is not None:
            row.webhook_url, row.webhook_secret = url, secret
        if change.clear_webhook:
            row.webhook_url = row.webhook_secret = None
        await row.save()
        after = {f: getattr(row, f) for f in SHOWN}
        plain = {k: (v.value if isinstance(v, CampaignRule) else v) for k, v in before.items()}
        if changed := audit.diff(plain, {k: (v.value if isinstance(v, CampaignRule) else v) for k, v in after.items()}):
            await audit.record(principal, brand_id=principal.brand_id, action="engagement_settings.update",
                               object_type="EngagementSettings", object_id=row.id, changes=changed)
    return row
