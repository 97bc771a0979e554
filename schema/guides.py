"""Shopping guides (导购): a member's guide, the guide's follow-up list and per-guide figures."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from domain.guides.models import ContactChannel as ContactChannelEnum
from domain.guides.models import TaskReason as TaskReasonEnum
from franchise.validation import minor_to_money
from resolvers import guides as resolvers
from schema.common import PageInfo, UserError
from schema.franchise import Store

if TYPE_CHECKING:
    from schema.members import Member

LazyMember = Annotated["Member", strawberry.lazy("schema.members")]
GuideTaskReason = strawberry.enum(TaskReasonEnum, name="GuideTaskReason",
                                  description="Why a member is on its guide's follow-up list.")
ContactChannel = strawberry.enum(ContactChannelEnum, name="ContactChannel", description="How a guide reached the member.")


@strawberry.type(description="A shopping guide (导购): a clerk or manager of a store.")
class Guide:
    id: strawberry.ID
    name: str

    @strawberry.field
    async def store(self, info: Info) -> Store | None:
        store_id = getattr(self, "store_id", None)
        return await info.context.loaders.store_by_id.load(store_id) if store_id else None


@strawberry.type(description="One change of a member's guide.")
class GuideAssignment:
    id: strawberry.ID
    assigned_by: str = strawberry.field(description="staff:<id> of who assigned.")
    assigned_by_role: str
    created_at: datetime.datetime

    @strawberry.field(description="The new guide; null when the member was unassigned.")
    async def guide(self, info: Info) -> Guide | None:
        return await resolvers.guide(info, self.guide_id)  # type: ignore[attr-defined]

    @strawberry.field
    async def previous_guide(self, info: Info) -> Guide | None:
        return await resolvers.guide(info, self.previous_guide_id)  # type: ignore[attr-defined]


@strawberry.type
class GuideAssignmentEdge:
    cursor: str
    node: GuideAssignment


@strawberry.type
class GuideAssignmentConnection:
    edges: list[GuideAssignmentEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="A member a rule flags for its guide, with a suggested message.")
class GuideTask:
    member: LazyMember
    reason: GuideTaskReason  # type: ignore[valid-type]
    message: str = strawberry.field(description="A suggested message with the member's name and figures.")

    @strawberry.field(description="NEAR_NEXT_TIER: the next level.")
    def next_level(self) -> int | None:
        return self.figures.get("next_level")  # type: ignore[attr-defined]

    @strawberry.field(description="NEAR_NEXT_TIER: what the next level still needs (minor units of spend in SPEND "
                      "programmes, growth value in GROWTH).")
    def gap(self) -> int | None:
        return self.figures.get("gap")  # type: ignore[attr-defined]

    @strawberry.field(description="HIGH_POINTS_UNREDEEMED: the balance; POINTS_EXPIRING: the points expiring.")
    def points(self) -> int | None:
        return self.figures.get("points")  # type: ignore[attr-defined]

    @strawberry.field(description="COUPON_EXPIRING: how many coupons expire.")
    def coupons(self) -> int | None:
        return self.figures.get("coupons")  # type: ignore[attr-defined]

    @strawberry.field(description="POINTS_EXPIRING / COUPON_EXPIRING: the soonest expiry.")
    def expires_at(self) -> datetime.datetime | None:
        return self.figures.get("expires_at")  # type: ignore[attr-defined]

    @strawberry.field(description="DORMANT: the last purchase, if any.")
    def last_purchase_at(self) -> datetime.datetime | None:
        return self.figures.get("last_purchase_at")  # type: ignore[attr-defined]


@strawberry.type
class GuideTaskEdge:
    cursor: str
    node: GuideTask


@strawberry.type
class GuideTaskConnection:
    edges: list[GuideTaskEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type(description="A contact a guide recorded for a task.")
class GuideFollowUp:
    id: strawberry.ID
    reason: GuideTaskReason  # type: ignore[valid-type]
    channel: ContactChannel  # type: ignore[valid-type]
    note: str
    completed_at: datetime.datetime

    @strawberry.field
    async def guide(self, info: Info) -> Guide | None:
        return await resolvers.guide(info, self.guide_id)  # type: ignore[attr-defined]


@strawberry.type(description="The brand's guide-task thresholds.")
class GuideSettings:
    near_tier_percent: int = strawberry.field(description="NEAR_NEXT_TIER within this % of the next threshold.")
    high_points_threshold: int
    high_points_idle_days: int = strawberry.field(description="HIGH_POINTS_UNREDEEMED: no redemption for so long.")
    points_expiring_days: int
    coupon_expiring_days: int
    dormant_days: int
    cooldown_days: int = strawberry.field(description="A completed task is not listed again for so many days.")


@strawberry.type(description="A guide's figures for a store and period (sales net of refunds).")
class GuideFigures:
    guide_id: strawberry.ID
    guide_name: str
    active: bool
    order_count: int
    new_members: int = strawberry.field(description="Members of the store the guide enrolled in the period.")
    members_assigned: int = strawberry.field(description="The store's members whose guide it is now.")
    tasks_completed: int

    @strawberry.field(description="Purchases credited to the guide, less what was refunded of them.")
    def sales_amount(self) -> Decimal:
        return minor_to_money(self.sales_minor)  # type: ignore[attr-defined]


@strawberry.input
class AssignGuideInput:
    guide_id: strawberry.ID | None = strawberry.field(default=None, description="null unassigns.")
    member_ids: list[strawberry.ID] | None = strawberry.field(default=None, description="Up to 500, all of the "
                                                              "guide's store.")
    segment_id: strawberry.ID | None = strawberry.field(default=None, description="HQ: a saved segment instead; "
                                                        "members of other stores are skipped.")


@strawberry.type
class AssignGuidePayload:
    guide: Guide | None = None
    assigned: int = strawberry.field(default=0, description="Members whose guide changed.")
    unchanged: int = strawberry.field(default=0, description="Members who had this guide already.")
    skipped: int = strawberry.field(default=0, description="Segment members of another home store.")
    skipped_member_ids: list[strawberry.ID] = strawberry.field(default_factory=list,
                                                               description="The first 1,000 skipped.")
    errors: list[UserError]


@strawberry.input
class CompleteGuideTaskInput:
    member_id: strawberry.ID
    reason: GuideTaskReason  # type: ignore[valid-type]
    channel: ContactChannel  # type: ignore[valid-type]
    note: str | None = None


@strawberry.type
class CompleteGuideTaskPayload:
    follow_up: GuideFollowUp | None = None
    errors: list[UserError]


@strawberry.input
class UpdateGuideSettingsInput:
    near_tier_percent: int | None = None
    high_points_threshold: int | None = None
    high_points_idle_days: int | None = None
    points_expiring_days: int | None = None
    coupon_expiring_days: int | None = None
    dormant_days: int | None = None
    cooldown_days: int | None = None


@strawberry.type
class GuideSettingsPayload:
    settings: GuideSettings | None = None
    errors: list[UserError]


def _ids(values) -> list[strawberry.ID]:
    return [strawberry.ID(str(v)) for v in values]


@strawberry.type
class GuidesQuery:
    @strawberry.field(description="A guide's follow-up list: the caller's own, or (store manager, HQ) a named guide's.")
    async def guide_tasks(self, info: Info, guide_id: strawberry.ID | None = None, first: int = 20,
                          after: str | None = None) -> GuideTaskConnection:
        return await resolvers.guide_tasks(info, guide_id, first, after)  # type: ignore[return-value]

    @strawberry.field(description="HQ: the thresholds of the guide-task rules.")
    async def guide_settings(self, info: Info) -> GuideSettings:
        return await resolvers.guide_settings(info)  # type: ignore[return-value]

    @strawberry.field(description="Per-guide figures of a store over local days `from`..`to` (store manager, HQ).")
    async def guide_performance(self, info: Info, store_id: strawberry.ID,
                                from_: Annotated[datetime.date, strawberry.argument(name="from")],
                                to: datetime.date) -> list[GuideFigures]:
        return await resolvers.guide_performance(info, store_id, from_, to)  # type: ignore[return-value]


@strawberry.type
class GuidesMutation:
    @strawberry.mutation(description="Assign (or with guideId null, unassign) a guide of the members' home store.")
    async def assign_guide(self, info: Info, input: AssignGuideInput) -> AssignGuidePayload:
        result = await resolvers.assign_guide(info, input)
        if "skipped_member_ids" in result:
            result["skipped_member_ids"] = _ids(result["skipped_member_ids"])
        return AssignGuidePayload(**result)

    @strawberry.mutation(description="Record the contact for a task; the task leaves the list for the cool-down.")
    async def complete_guide_task(self, info: Info, input: CompleteGuideTaskInput) -> CompleteGuideTaskPayload:
        return CompleteGuideTaskPayload(**await resolvers.complete_guide_task(info, input))

    @strawberry.mutation(description="HQ: change the thresholds of the guide-task rules.")
    async def update_guide_settings(self, info: Info, input: UpdateGuideSettingsInput) -> GuideSettingsPayload:
        return GuideSettingsPayload(**await resolvers.update_guide_settings(info, input))
