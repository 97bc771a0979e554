"""Engagement: check-in, activities, the community feed, the brand's engagement settings."""

from __future__ import annotations

import datetime
import enum
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from domain.engagement.activities import RECORDABLE
from domain.engagement.models import CampaignRule as CampaignRuleEnum
from resolvers import engagement as resolvers
from schema.common import PageInfo, UserError
from schema.franchise import Store

if TYPE_CHECKING:
    from schema.members import Member

LazyMember = Annotated["Member", strawberry.lazy("schema.members")]
CampaignRule = strawberry.enum(CampaignRuleEnum, name="CampaignRule",
                               description="Which campaign shapes an earning when several apply.")
RecordableActivity = strawberry.enum(enum.Enum("RecordableActivity", {a: a for a in RECORDABLE}),
                                     name="RecordableActivity")


async def _store(info: Info, store_id: int | None) -> Store | None:
    return await info.context.loaders.store_by_id.load(store_id) if store_id else None


@strawberry.type
class CheckIn:
    day: datetime.date = strawberry.field(description="The local day in the brand's time zone.")
    streak: int = strawberry.field(description="Days in a row, this one included.")
    points: int
    bonus: int = strawberry.field(description="The streak bonus earned today.")

    @strawberry.field(description="The store scanned (到店签到), if any.")
    async def store(self, info: Info) -> Store | None:
        return await _store(info, self.store_id)  # type: ignore[attr-defined]


@strawberry.input
class CheckInInput:
    store_id: strawberry.ID | None = None


@strawberry.type
class CheckInPayload:
    check_in: CheckIn | None = None
    balance: int | None = None
    already_checked_in: bool = strawberry.field(default=False, description="Today's check-in was made before.")
    errors: list[UserError]


@strawberry.input
class RecordActivityInput:
    activity: RecordableActivity  # type: ignore[valid-type]
    reference: str = strawberry.field(description="What was shared / reviewed…: idempotent per reference.")
    member_id: strawberry.ID | None = strawberry.field(default=None, description="Partners name the member.")


@strawberry.type
class RecordActivityPayload:
    points: int | None = strawberry.field(default=None, description="Earned, within the daily cap.")
    balance: int | None = None
    replayed: bool = False
    errors: list[UserError]


@strawberry.type
class PostComment:
    id: strawberry.ID
    text: str
    created_at: datetime.datetime


@strawberry.type
class Post:
    id: strawberry.ID
    text: str
    image_urls: list[str]
    tags: list[str]
    hidden: bool
    created_at: datetime.datetime

    @strawberry.field
    async def store(self, info: Info) -> Store | None:
        return await _store(info, self.store_id)  # type: ignore[attr-defined]


@strawberry.type
class PostEdge:
    cursor: str
    node: Post


@strawberry.type
class PostConnection:
    edges: list[PostEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class CreatePostInput:
    text: str
    image_urls: list[str] | None = strawberry.field(default=None, description="https URLs, at most 9.")
    store_id: strawberry.ID | None = None
    tags: list[str] | None = None


@strawberry.type
class CreatePostPayload:
    post: Post | None = None
    points_earned: int | None = None
    errors: list[UserError]


@strawberry.input
class CommentOnPostInput:
    post_id: strawberry.ID
    text: str


@strawberry.type
class CommentOnPostPayload:
    comment: PostComment | None = None
    points_earned: int | None = None
    errors: list[UserError]


@strawberry.input
class HidePostInput:
    post_id: strawberry.ID
    hidden: bool = True


@strawberry.type
class HidePostPayload:
    post: Post | None = None
    errors: list[UserError]


@strawberry.type
class EngagementSettings:
    streak_days: int = strawberry.field(description="A streak bonus every so many days in a row.")
    streak_bonus: int
    expiry_reminder_days: int = strawberry.field(description="Remind members this many days before points expire.")
    campaign_rule: CampaignRule  # type: ignore[valid-type]
    webhook_url: str | None = strawberry.field(description="Partner webhook for notifications (signed).")


@strawberry.input
class UpdateEngagementSettingsInput:
    streak_days: int | None = None
    streak_bonus: int | None = None
    expiry_reminder_days: int | None = None
    campaign_rule: CampaignRule | None = None  # type: ignore[valid-type]
    webhook_url: str | None = None
    webhook_secret: str | None = strawberry.field(default=None, description="16+ characters; never shown again.")
    clear_webhook: bool | None = None


@strawberry.type
class EngagementSettingsPayload:
    settings: EngagementSettings | None = None
    errors: list[UserError]


@strawberry.type
class EngagementQuery:
    @strawberry.field(description="The community feed, newest first: a store's posts with storeId.")
    async def posts(self, info: Info, store_id: strawberry.ID | None = None, first: int = 20,
                    after: str | None = None) -> PostConnection:
        return await resolvers.posts(info, store_id, first, after)  # type: ignore[return-value]

    @strawberry.field(description="HQ: check-in streak bonus, expiry reminders, campaign rule, webhook.")
    async def engagement_settings(self, info: Info) -> EngagementSettings:
        return await resolvers.engagement_settings(info)  # type: ignore[return-value]


@strawberry.type
class EngagementMutation:
    @strawberry.mutation(description="A member checks in, once a day (optionally at a store).")
    async def check_in(self, info: Info, input: CheckInInput | None = None) -> CheckInPayload:
        return CheckInPayload(**await resolvers.check_in(info, input))

    @strawberry.mutation(description="A member (itself) or a partner records an activity that earns, within caps.")
    async def record_activity(self, info: Info, input: RecordActivityInput) -> RecordActivityPayload:
        return RecordActivityPayload(**await resolvers.record_activity(info, input))

    @strawberry.mutation(description="A member posts to the community; earns POST points within the cap.")
    async def create_post(self, info: Info, input: CreatePostInput) -> CreatePostPayload:
        return CreatePostPayload(**await resolvers.create_post(info, input))

    @strawberry.mutation(description="A member comments; earns COMMENT points within the cap.")
    async def comment_on_post(self, info: Info, input: CommentOnPostInput) -> CommentOnPostPayload:
        return CommentOnPostPayload(**await resolvers.comment_on_post(info, input))

    @strawberry.mutation(description="HQ hides (or shows again) a post.")
    async def hide_post(self, info: Info, input: HidePostInput) -> HidePostPayload:
        return HidePostPayload(**await resolvers.hide_post(info, input))

    @strawberry.mutation(description="HQ admin: the brand's engagement settings (a streak bonus is a points rule).")
    async def update_engagement_settings(self, info: Info,
                                         input: UpdateEngagementSettingsInput) -> EngagementSettingsPayload:
        return EngagementSettingsPayload(**await resolvers.update_engagement_settings(info, input))
