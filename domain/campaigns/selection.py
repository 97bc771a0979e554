"""Which campaign shapes an earning: by the local date and weekday in the brand's time zone,
the store, the member's tier level and tags; when several apply the brand's rule decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from tortoise.expressions import Q

from domain.campaigns.models import Campaign
from domain.engagement.models import CampaignRule, EngagementSettings
from domain.members.models import MemberTag


@dataclass
class Campaigns:
    """A brand's campaigns that may apply around a moment, loaded once per request or batch."""

    rule: CampaignRule
    zone: str
    candidates: list[Campaign]

    @property
    def any_tagged(self) -> bool:
        return any(c.member_tags for c in self.candidates)


async def load_campaigns(brand_id: int, zone: str, around: list[datetime]) -> Campaigns:
    """The active campaigns whose dates may cover any of `around` (one query, plus the rule)."""
    days = [m.astimezone(ZoneInfo(zone)).date() for m in around] or [date.today()]
    rows = await Campaign.filter(brand_id=brand_id, active=True, starts_on__lte=max(days),
                                 ends_on__gte=min(days))
    settings = await EngagementSettings.filter(brand_id=brand_id).first() if rows else None
    return Campaigns(rule=settings.campaign_rule if settings else CampaignRule.HIGHEST, zone=zone, candidates=rows)


def applies(campaign: Campaign, *, local_day: date, store_id: int | None, tier_level: int,
            tags: set[str]) -> bool:
    if not campaign.starts_on <= local_day <= campaign.ends_on:
        return False
    if campaign.weekdays and local_day.isoweekday() not in campaign.weekdays:
        return False
    if campaign.store_ids and store_id not in campaign.store_ids:
        return False
    if campaign.tier_levels and tier_level not in campaign.tier_levels:
        return False
    return not campaign.member_tags or bool(tags.intersection(campaign.member_tags))


def choose(campaigns: Campaigns, *, at: datetime, store_id: int | None, tier_level: int, tags: set[str],
           kind: str = "points") -> Campaign | None:
    """The one campaign that shapes this earning (points or growth), or None."""
    local_day = at.astimezone(ZoneInfo(campaigns.zone)).date()
    field = "points_multiplier" if kind == "points" else "growth_multiplier"
    fitting = [c for c in campaigns.candidates
               if Decimal(getattr(c, field)) != 1
               and applies(c, local_day=local_day, store_id=store_id, tier_level=tier_level, tags=tags)]
    if not fitting:
        return None
    if campaigns.rule is CampaignRule.PRIORITY:
        return max(fitting, key=lambda c: (c.priority, c.id))
    return max(fitting, key=lambda c: (Decimal(getattr(c, field)), c.id))


def factor(campaign: Campaign | None, kind: str = "points") -> Fraction:
    if campaign is None:
        return Fraction(1)
    return Fraction(Decimal(campaign.points_multiplier if kind == "points" else campaign.growth_multiplier))


async def member_tags(campaigns: Campaigns, member_id: int | None, store_id: int | None = None) -> set[str]:
    """The member's tags as seen at `store_id`: brand tags and that store's own (another store's
    tags are invisible there), read only when some campaign filters by tags."""
    if member_id is None or not campaigns.any_tagged:
        return set()
    seen = Q(store_id__isnull=True) if store_id is None else Q(store_id__isnull=True) | Q(store_id=store_id)
    return set(await MemberTag.filter(seen, member_id=member_id).values_list("tag", flat=True))
