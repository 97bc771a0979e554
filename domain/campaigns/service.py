"""HQ operators run campaigns: a points multiplier and/or growth acceleration for dates
(local to the brand), optional weekdays, stores, tier levels and member tags."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from tortoise.transactions import in_transaction

from domain.campaigns.errors import CampaignErrorCode
from domain.campaigns.models import Campaign
from franchise import audit, validation
from franchise.errors import DomainError
from franchise.models import Store
from policies import Principal, authorize

FIELDS = ("name", "points_multiplier", "growth_multiplier", "starts_on", "ends_on", "weekdays", "store_ids",
          "tier_levels", "member_tags", "priority", "active")


@dataclass
class CampaignInput:
    name: str
    starts_on: date
    ends_on: date
    points_multiplier: Decimal = Decimal(1)
    growth_multiplier: Decimal = Decimal(1)
    weekdays: list[int] = field(default_factory=list)
    store_ids: list[int] = field(default_factory=list)
    tier_levels: list[int] = field(default_factory=list)
    member_tags: list[str] = field(default_factory=list)
    priority: int = 0
    active: bool = True


def _invalid(message: str, field_name: str) -> DomainError:
    return DomainError(CampaignErrorCode.INVALID_CAMPAIGN, message, field_name)


def _factor(value, field_name: str) -> str:
    try:
        factor = Decimal(str(value))
    except InvalidOperation:
        raise _invalid("A multiplier is a number.", field_name) from None
    if not Decimal(1) <= factor <= Decimal(10) or factor != factor.quantize(Decimal("0.01")):
        raise _invalid("A multiplier is 1 to 10 with at most two decimals.", field_name)
    return f"{factor.normalize():f}"


async def _checked(principal: Principal, given: CampaignInput) -> dict:
    if given.ends_on < given.starts_on:
        raise _invalid("A campaign ends on or after its first day.", "endsOn")
    if (given.ends_on - given.starts_on).days > 366:
        raise _invalid("A campaign lasts at most a year.", "endsOn")
    if any(not 1 <= d <= 7 for d in given.weekdays):
        raise _invalid("Weekdays are 1 (Monday) to 7 (Sunday).", "weekdays")
    if any(not 1 <= lv <= 10 for lv in given.tier_levels):
        raise _invalid("Tier levels are 1 to 10.", "tierLevels")
    store_ids = sorted(set(given.store_ids))
    if store_ids and await Store.filter(brand_id=principal.brand_id, id__in=store_ids).count() != len(store_ids):
        raise _invalid("No such store.", "storeIds")
    values = {
        "name": validation.text(given.name, "name", max_length=100),
        "points_multiplier": _factor(given.points_multiplier, "pointsMultiplier"),
        "growth_multiplier": _factor(given.growth_multiplier, "growthMultiplier"),
        "starts_on": given.starts_on, "ends_on": given.ends_on,
        "weekdays": sorted(set(given.weekdays)), "store_ids": store_ids,
        "tier_levels": sorted(set(given.tier_levels)), "member_tags": validation.tags(given.member_tags, "memberTags"),
        "priority": validation.bounded_int(given.priority, "priority", low=-1000, high=1000),
        "active": bool(given.active),
    }
    if values["points_multiplier"] == "1" and values["growth_multiplier"] == "1":
        raise _invalid("A campaign multiplies points or growth (above 1).", "pointsMultiplier")
    return values


def _plain(campaign: Campaign) -> dict:
    return {f: (getattr(campaign, f).isoformat() if isinstance(getattr(campaign, f), date) else getattr(campaign, f))
            for f in FIELDS}


async def upsert_campaign(principal: Principal, given: CampaignInput, campaign_id: int | None = None) -> Campaign:
    """Create a campaign, or change one (by id); audited. Earnings already made keep theirs."""
    authorize(principal, "campaign", "write")
    values = await _checked(principal, given)
    async with in_transaction():
        if campaign_id is None:
            campaign = await Campaign.create(brand_id=principal.brand_id, created_by=audit.actor_of(principal),
                                             **values)
            before = {}
        else:
            campaign = await Campaign.filter(id=campaign_id, brand_id=principal.brand_id).select_for_update().first()
            if campaign is None:
                raise DomainError(CampaignErrorCode.CAMPAIGN_NOT_FOUND, "No such campaign.", "id")
            before = _plain(campaign)
            campaign.update_from_dict(values)
            await campaign.save()
        if changed := audit.diff(before, _plain(campaign)):
            await audit.record(principal, brand_id=principal.brand_id,
                               action="campaign.create" if campaign_id is None else "campaign.update",
                               object_type="Campaign", object_id=campaign.id, changes=changed)
    return campaign


def campaigns_query(principal: Principal, *, active: bool | None = None):
    authorize(principal, "campaign", "read")
    query = Campaign.filter(brand_id=principal.brand_id)
    if active is not None:
        query = query.filter(active=active)
    return query
