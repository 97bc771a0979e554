"""Shopping guides: assignment, the follow-up list, completed tasks, thresholds, figures."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from domain.guides import assignments, follow_ups, reports, settings, tasks
from domain.guides.assignments import effective_guide_id
from domain.guides.messages import suggested_message
from domain.guides.models import ContactChannel, TaskReason
from domain.members.models import Member
from franchise.errors import DomainError, FranchiseErrorCode
from franchise.models import Staff
from resolvers.errors import attempt, parse_id, parse_optional_id
from resolvers.pagination import MAX_PAGE, Edge, Page, PageInfo, paginate


async def assign_guide(info, input: Any) -> dict:
    async def work():
        member_ids = None if input.member_ids is None else [parse_id(i, "memberIds") for i in input.member_ids]
        done = await assignments.assign_guide(
            info.context.principal, guide_id=parse_optional_id(input.guide_id, "guideId"), member_ids=member_ids,
            segment_id=parse_optional_id(input.segment_id, "segmentId"))
        return {"guide": done.guide, "assigned": done.assigned, "unchanged": done.unchanged,
                "skipped": done.skipped, "skipped_member_ids": done.skipped_member_ids}

    return await attempt(work())


async def member_guide(info, member: Member) -> Staff | None:
    """The member's guide while it is still active staff of the member's home store."""
    if member.guide_id is None:
        return None
    guide = await info.context.loaders.staff_by_id.load(member.guide_id)
    return guide if effective_guide_id(member, guide) else None


async def member_guide_history(info, member: Member, first: int, after: str | None) -> Page:
    return await paginate(assignments.history_query(info.context.principal, member), first=first, after=after)


async def guide(info, guide_id: int | None) -> Staff | None:
    return await info.context.loaders.staff_by_id.load(guide_id) if guide_id else None


@dataclass
class TaskNode:
    member: Member
    reason: TaskReason
    message: str
    figures: dict


def _cursor(task: tasks.GuideTask) -> str:
    order, member_id = task.sort_key
    return base64.urlsafe_b64encode(f"task:{order}:{member_id}".encode()).decode()


def _after(cursor: str) -> tuple[int, int]:
    try:
        kind, order, member_id = base64.urlsafe_b64decode(cursor.encode()).decode().split(":")
        if kind == "task":
            return int(order), int(member_id)
    except (ValueError, UnicodeDecodeError):
        pass
    raise DomainError(FranchiseErrorCode.INVALID_INPUT, "Not a cursor from this API.", "after")


async def guide_tasks(info, guide_id: Any, first: int, after: str | None) -> Page:
    """The list is computed whole (a few set-based queries), then paged by (reason, member)."""
    if not 0 <= first <= MAX_PAGE:
        raise DomainError(FranchiseErrorCode.INVALID_INPUT, f"first is 0 to {MAX_PAGE}.", "first")
    found = await tasks.list_tasks(info.context.principal, guide_id=parse_optional_id(guide_id, "guideId"))
    rest = found.tasks
    if after:
        position = _after(after)
        rest = [t for t in rest if t.sort_key > position]
    page = rest[:first]
    members = await info.context.loaders.member_by_id.load_many([t.member_id for t in page])
    zone = ZoneInfo(found.timezone)
    edges = [
        Edge(cursor=_cursor(t), node=TaskNode(
            member=m, reason=t.reason, figures=t.figures,
            message=suggested_message(t, member_name=m.name, currency=found.currency, tier_mode=found.tier_mode,
                                      zone=zone)))
        for t, m in zip(page, members)
    ]
    return Page(edges=edges, total_count=len(found.tasks), page_info=PageInfo(
        has_next_page=len(rest) > first, end_cursor=edges[-1].cursor if edges else None,
        has_previous_page=after is not None, start_cursor=edges[0].cursor if edges else None))


async def complete_guide_task(info, input: Any) -> dict:
    async def work():
        done = await follow_ups.complete_task(
            info.context.principal, member_id=parse_id(input.member_id, "memberId"),
            reason=TaskReason(input.reason.value), channel=ContactChannel(input.channel.value), note=input.note)
        return {"follow_up": done}

    return await attempt(work())


async def guide_settings(info):
    return await settings.get_guide_settings(info.context.principal)


async def update_guide_settings(info, input: Any) -> dict:
    async def work():
        change = settings.GuideSettingsInput(**{name: getattr(input, name) for name in settings.LIMITS})
        return {"settings": await settings.update_guide_settings(info.context.principal, change)}

    return await attempt(work())


async def guide_performance(info, store_id: Any, start: date, end: date) -> list[reports.GuideFigures]:
    return await reports.guide_performance(info.context.principal, store_id=parse_id(store_id, "storeId"),
                                           start=start, end=end)
