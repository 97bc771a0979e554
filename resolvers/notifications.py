"""The notification outbox, for HQ."""

from __future__ import annotations

from typing import Any

from domain.notifications.models import NotificationChannel, NotificationStatus
from domain.notifications.outbox import notifications_query
from resolvers.pagination import Page, paginate


async def notifications(info, status: Any, kind: str | None, first: int, after: str | None,
                        channel: Any = None) -> Page:
    query = notifications_query(info.context.principal, kind=kind,
                                status=NotificationStatus(status.value) if status else None,
                                channel=NotificationChannel(channel.value) if channel else None)
    return await paginate(query, first=first, after=after)
