"""Segments: member tags, tag rules, RFM settings and segment queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry
from strawberry.types import Info

from domain.segments.filters import filter_from_json
from domain.segments.models import RfmMethod as RfmMethodEnum
from domain.segments.models import TagRuleKind as TagRuleKindEnum
from franchise.validation import minor_to_money
from resolvers import segments as resolvers
from schema.common import PageInfo, UserError
from schema.members import MemberConnection, MemberSource
from schema.segment_types import RfmSegment

TagRuleKind = strawberry.enum(TagRuleKindEnum, name="TagRuleKind", description=(
    "Over the member's purchases in the last `days` (fully refunded orders left out): SPENT_AT_LEAST net spend "
    "(threshold in minor units), ORDERS_AT_LEAST orders, STORES_AT_LEAST distinct stores."))
RfmMethod = strawberry.enum(RfmMethodEnum, name="RfmMethod")


@strawberry.input(description="Every criterion given must hold; lists match any of their values (tagsAll: every one).")
class SegmentFilterInput:
    tier_levels: list[int] | None = strawberry.field(default=None, description="0: not in a tier yet.")
    tags_any: list[str] | None = None
    tags_all: list[str] | None = None
    home_store_ids: list[strawberry.ID] | None = None
    cities: list[str] | None = strawberry.field(default=None, description="The home store's city.")
    rfm_segments: list[RfmSegment] | None = None  # type: ignore[valid-type]
    points_min: int | None = None
    points_max: int | None = None
    wallet_min: Decimal | None = strawberry.field(default=None, description="Principal + bonus.")
    wallet_max: Decimal | None = None
    expiring_within_days: int | None = strawberry.field(
        default=None, description="Points expiring within so many days …")
    expiring_at_least: int | None = strawberry.field(default=None, description="… at least this many (default 1).")
    last_purchase_after: datetime.datetime | None = None
    last_purchase_before: datetime.datetime | None = strawberry.field(
        default=None, description="Bought before, and not since.")
    birthday_month: int | None = None
    sources: list[MemberSource] | None = None  # type: ignore[valid-type]


@strawberry.type(description="A saved segment's filter, as given.")
class SegmentFilterView:
    tier_levels: list[int]
    tags_any: list[str]
    tags_all: list[str]
    home_store_ids: list[strawberry.ID]
    cities: list[str]
    rfm_segments: list[RfmSegment]  # type: ignore[valid-type]
    points_min: int | None
    points_max: int | None
    wallet_min: Decimal | None
    wallet_max: Decimal | None
    expiring_within_days: int | None
    expiring_at_least: int
    last_purchase_after: datetime.datetime | None
    last_purchase_before: datetime.datetime | None
    birthday_month: int | None
    sources: list[MemberSource]  # type: ignore[valid-type]


def _view(criteria: dict) -> SegmentFilterView:
    flt = filter_from_json(criteria)
    money = (lambda v: None if v is None else minor_to_money(v))
    return SegmentFilterView(
        tier_levels=list(flt.tier_levels), tags_any=list(flt.tags_any), tags_all=list(flt.tags_all),
        home_store_ids=[strawberry.ID(str(s)) for s in flt.home_store_ids], cities=list(flt.cities),
        rfm_segments=list(flt.rfm_segments), points_min=flt.points_min, points_max=flt.points_max,
        wallet_min=money(flt.wallet_min_minor), wallet_max=money(flt.wallet_max_minor),
        expiring_within_days=flt.expiring_within_days, expiring_at_least=flt.expiring_at_least,
        last_purchase_after=flt.last_purchase_after, last_purchase_before=flt.last_purchase_before,
        birthday_month=flt.birthday_month, sources=list(flt.sources))


@strawberry.type
class Segment:
    id: strawberry.ID
    name: str
    created_by: str
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @strawberry.field
    def filter(self) -> SegmentFilterView:
        return _view(self.criteria)  # type: ignore[attr-defined]


@strawberry.type
class SegmentEdge:
    cursor: str
    node: Segment


@strawberry.type
class SegmentConnection:
    edges: list[SegmentEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class TagRule:
    id: strawberry.ID
    tag: str
    kind: TagRuleKind  # type: ignore[valid-type]
    threshold: int
    days: int
    active: bool
    updated_at: datetime.datetime


@strawberry.type
class TagRuleEdge:
    cursor: str
    node: TagRule


@strawberry.type
class TagRuleConnection:
    edges: list[TagRuleEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="How RFM scores are computed (THRESHOLDS: four cut-offs each, lower bounds of 2..5).")
class RfmSettings:
    method: RfmMethod  # type: ignore[valid-type]
    window_days: int
    recency_days: list[int] = strawberry.field(description="Descending: at most so many days since the last purchase.")
    frequency_orders: list[int]
    dormant_days: int
    new_days: int

    @strawberry.field(description="Net spend cut-offs.")
    def monetary(self) -> list[Decimal]:
        return [minor_to_money(v) for v in self.monetary_minor]  # type: ignore[attr-defined]


@strawberry.input
class TagMembersInput:
    member_ids: list[strawberry.ID]
    tag: str
    store_id: strawberry.ID | None = strawberry.field(
        default=None, description="A store's own tag (seen by that store and HQ); store managers: their store.")


@strawberry.type
class TagMembersPayload:
    tag: str | None = None
    store_id: strawberry.ID | None = None
    changed_member_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="The members whose tags changed (already tagged / untagged ones left out).")
    errors: list[UserError]


@strawberry.input
class UpsertTagRuleInput:
    id: strawberry.ID | None = None
    tag: str
    kind: TagRuleKind  # type: ignore[valid-type]
    threshold: int
    days: int
    active: bool = True


@strawberry.type
class TagRulePayload:
    rule: TagRule | None = None
    errors: list[UserError]


@strawberry.input
class UpdateRfmSettingsInput:
    method: RfmMethod = RfmMethodEnum.QUINTILES  # type: ignore[valid-type]
    window_days: int = 365
    recency_days: list[int] | None = None
    frequency_orders: list[int] | None = None
    monetary: list[Decimal] | None = None
    dormant_days: int = 180
    new_days: int = 30


@strawberry.type
class RfmSettingsPayload:
    settings: RfmSettings | None = None
    errors: list[UserError]


@strawberry.type
class RecomputeRfmPayload:
    scored_members: int = 0
    computed_at: datetime.datetime | None = None
    errors: list[UserError]


@strawberry.input
class SaveSegmentInput:
    id: strawberry.ID | None = strawberry.field(default=None, description="Change this segment; none saves a new one.")
    name: str
    filter: SegmentFilterInput


@strawberry.type
class SegmentPayload:
    segment: Segment | None = None
    errors: list[UserError]


@strawberry.type
class SegmentsQuery:
    @strawberry.field(description="Members a filter (or a saved segment) selects, newest first; a store manager "
                      "sees its own store's members only, whatever the filter says.")
    async def segment_members(self, info: Info, filter: SegmentFilterInput | None = None,
                              segment_id: strawberry.ID | None = None, first: int = 20,
                              after: str | None = None) -> MemberConnection:
        return await resolvers.segment_members(info, filter, segment_id, first, after)  # type: ignore[return-value]

    @strawberry.field(description="HQ: saved segments, newest first.")
    async def segments(self, info: Info, first: int = 20, after: str | None = None) -> SegmentConnection:
        return await resolvers.segments(info, first, after)  # type: ignore[return-value]

    @strawberry.field(description="HQ: the brand's tag rules, newest first.")
    async def tag_rules(self, info: Info, first: int = 20, after: str | None = None) -> TagRuleConnection:
        return await resolvers.tag_rules(info, first, after)  # type: ignore[return-value]

    @strawberry.field(description="How the brand computes RFM scores.")
    async def rfm_settings(self, info: Info) -> RfmSettings:
        return await resolvers.rfm_settings(info)  # type: ignore[return-value]


@strawberry.type
class SegmentsMutation:
    @strawberry.mutation(description="Tag members: HQ brand-wide or for a store; a store manager its store's members.")
    async def tag_members(self, info: Info, input: TagMembersInput) -> TagMembersPayload:
        return TagMembersPayload(**await resolvers.tag_members(info, input))

    @strawberry.mutation(description="Take a manual tag off members (rule tags follow their rule).")
    async def untag_members(self, info: Info, input: TagMembersInput) -> TagMembersPayload:
        return TagMembersPayload(**await resolvers.untag_members(info, input))

    @strawberry.mutation(description="HQ: create or change a tag rule; its tags follow at once and daily.")
    async def upsert_tag_rule(self, info: Info, input: UpsertTagRuleInput) -> TagRulePayload:
        return TagRulePayload(**await resolvers.upsert_tag_rule(info, input))

    @strawberry.mutation(description="HQ: the RFM window, method and thresholds.")
    async def update_rfm_settings(self, info: Info, input: UpdateRfmSettingsInput) -> RfmSettingsPayload:
        return RfmSettingsPayload(**await resolvers.update_rfm_settings(info, input))

    @strawberry.mutation(description="HQ: compute the brand's RFM scores now (also done daily).")
    async def recompute_rfm(self, info: Info) -> RecomputeRfmPayload:
        return RecomputeRfmPayload(**await resolvers.recompute_rfm(info))

    @strawberry.mutation(description="HQ: save a filter under a name for reuse.")
    async def save_segment(self, info: Info, input: SaveSegmentInput) -> SegmentPayload:
        return SegmentPayload(**await resolvers.save_segment(info, input))
