"""Campaigns: points multipliers and growth acceleration."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from resolvers import campaigns as resolvers
from schema.common import PageInfo, UserError


@strawberry.type
class Campaign:
    id: strawberry.ID
    name: str
    starts_on: datetime.date = strawberry.field(description="Local date in the brand's time zone.")
    ends_on: datetime.date = strawberry.field(description="Included.")
    weekdays: list[int] = strawberry.field(description="ISO weekdays (1 Monday … 7 Sunday); empty: every day.")
    tier_levels: list[int]
    member_tags: list[str]
    priority: int
    active: bool
    created_at: datetime.datetime

    @strawberry.field
    def points_multiplier(self) -> Decimal:
        return Decimal(self.points_multiplier)  # type: ignore[attr-defined]

    @strawberry.field
    def growth_multiplier(self) -> Decimal:
        return Decimal(self.growth_multiplier)  # type: ignore[attr-defined]

    @strawberry.field
    def store_ids(self) -> list[strawberry.ID]:
        return [strawberry.ID(str(s)) for s in self.store_ids]  # type: ignore[attr-defined]


@strawberry.type
class CampaignEdge:
    cursor: str
    node: Campaign


@strawberry.type
class CampaignConnection:
    edges: list[CampaignEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class UpsertCampaignInput:
    id: strawberry.ID | None = strawberry.field(default=None, description="Change this campaign; none creates one.")
    name: str
    starts_on: datetime.date
    ends_on: datetime.date
    points_multiplier: Decimal = Decimal(1)
    growth_multiplier: Decimal = strawberry.field(default=Decimal(1), description="GROWTH tiers: growth acceleration.")
    weekdays: list[int] | None = None
    store_ids: list[strawberry.ID] | None = None
    tier_levels: list[int] | None = None
    member_tags: list[str] | None = None
    priority: int = strawberry.field(default=0, description="Decides under the brand's PRIORITY rule.")
    active: bool = True


@strawberry.type
class CampaignPayload:
    campaign: Campaign | None = None
    errors: list[UserError]


@strawberry.type
class CampaignsQuery:
    @strawberry.field(description="HQ: the brand's campaigns, newest first.")
    async def campaigns(self, info: Info, active: bool | None = None, first: int = 20,
                        after: str | None = None) -> CampaignConnection:
        return await resolvers.campaigns(info, active, first, after)  # type: ignore[return-value]


@strawberry.type
class CampaignsMutation:
    @strawberry.mutation(description="HQ operators create or change a campaign.")
    async def upsert_campaign(self, info: Info, input: UpsertCampaignInput) -> CampaignPayload:
        return CampaignPayload(**await resolvers.upsert_campaign(info, input))
