"""The notification outbox with delivery status."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.notifications.models import NotificationChannel as NotificationChannelEnum
from domain.notifications.models import NotificationStatus as NotificationStatusEnum
from resolvers import notifications as resolvers
from schema.common import PageInfo

NotificationStatus = strawberry.enum(NotificationStatusEnum, name="NotificationStatus")
NotificationChannel = strawberry.enum(NotificationChannelEnum, name="NotificationChannel")


@strawberry.type
class Notification:
    id: strawberry.ID
    kind: str
    unique_key: str
    payload: JSON
    status: NotificationStatus  # type: ignore[valid-type]
    channel: NotificationChannel  # type: ignore[valid-type]
    attempts: int
    sender: str
    last_error: str
    next_attempt_at: datetime.datetime
    sent_at: datetime.datetime | None
    created_at: datetime.datetime

    @strawberry.field
    def member_id(self) -> strawberry.ID | None:
        member_id = self.member_id  # type: ignore[attr-defined]
        return strawberry.ID(str(member_id)) if member_id else None


@strawberry.type
class NotificationEdge:
    cursor: str
    node: Notification


@strawberry.type
class NotificationConnection:
    edges: list[NotificationEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class NotificationsQuery:
    @strawberry.field(description="HQ: the outbox, newest first.")
    async def notifications(self, info: Info, status: NotificationStatus | None = None,  # type: ignore[valid-type]
                            kind: str | None = None, channel: NotificationChannel | None = None,  # type: ignore[valid-type]
                            first: int = 20, after: str | None = None) -> NotificationConnection:
        return await resolvers.notifications(info, status, kind, first, after, channel)  # type: ignore[return-value]
