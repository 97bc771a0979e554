"""Campaigns: HQ operators' multipliers and growth acceleration."""

from __future__ import annotations

from typing import Any

from domain.campaigns import service
from resolvers.errors import attempt, parse_id, parse_optional_id
from resolvers.pagination import Page, paginate


async def upsert_campaign(info, input: Any) -> dict:
    async def work():
        given = service.CampaignInput(
            name=input.name, starts_on=input.starts_on, ends_on=input.ends_on,
            points_multiplier=input.points_multiplier, growth_multiplier=input.growth_multiplier,
            weekdays=list(input.weekdays or []), store_ids=[parse_id(s, "storeIds") for s in input.store_ids or []],
            tier_levels=list(input.tier_levels or []), member_tags=list(input.member_tags or []),
            priority=input.priority, active=input.active)
        campaign = await service.upsert_campaign(info.context.principal, given,
                                                 campaign_id=parse_optional_id(input.id, "id"))
        return {"campaign": campaign}

    return await attempt(work())


async def campaigns(info, active: bool | None, first: int, after: str | None) -> Page:
    return await paginate(service.campaigns_query(info.context.principal, active=active), first=first, after=after)
