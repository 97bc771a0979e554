"""The notification outbox, for HQ."""

from __future__ import annotations

from typing import Any

from domain.notifications.models import NotificationStatus
from domain.notifications.outbox import notifications_query
from resolvers.pagination import Page, paginate


async def notifications(info, status: Any, kind: str | None, first: int, after: str | None) -> Page:
    query = notifications_query(info.context.principal, kind=kind,
                                status=NotificationStatus(status.value) if status else None)
    return await paginate(query, first=first, after=after)
