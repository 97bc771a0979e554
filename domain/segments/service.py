"""Segment queries and saved segments: who may run which, and where a caller is confined.

A store-confined caller (store manager) runs any filter over its own store's members only and
sees only brand tags and its store's tags; saved segments are HQ's (list, save, run by id)."""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from domain.members.models import Member
from domain.segments.errors import SegmentErrorCode
from domain.segments.filters import (
    SegmentFilter, filter_to_json, load_saved_segment, member_ids_query, validate_filter,
)
from domain.segments.models import MemberRfm, SavedSegment
from franchise import audit, validation
from franchise.errors import DomainError
from policies import NotAuthorized, Principal, authorize, store_scope


def _confined_store(principal: Principal) -> int | None:
    scope = store_scope(principal)
    if scope is None:
        return None
    if len(scope) != 1:  # only single-store staff have segment access; never widen a scope
        raise NotAuthorized()
    return next(iter(scope))


async def segment_members_query(principal: Principal, *, flt: SegmentFilter | None = None,
                                segment_id: int | None = None, now: datetime | None = None) -> QuerySet[Member]:
    """The members a caller's filter (or HQ's saved segment) selects, within what it may see."""
    authorize(principal, "segment", "query")
    if (flt is None) == (segment_id is None):
        raise DomainError(SegmentErrorCode.INVALID_FILTER, "Give a filter or a saved segment, not both.", "filter")
    if segment_id is not None:
        authorize(principal, "segment", "manage")
        flt = await load_saved_segment(principal.brand_id, segment_id)
    return await member_ids_query(principal.brand_id, flt, store_id=_confined_store(principal),  # type: ignore[arg-type]
                                  now=now or datetime.now(UTC))


async def save_segment(principal: Principal, *, name: str, flt: SegmentFilter,
                       segment_id: int | None = None) -> SavedSegment:
    """HQ saves a filter under a name (or changes a saved one); audited."""
    authorize(principal, "segment", "manage")
    name = validation.text(name, "name", max_length=100)  # type: ignore[assignment]
    await validate_filter(principal.brand_id, flt)
    criteria = filter_to_json(flt)
    async with in_transaction():
        clash = SavedSegment.filter(brand_id=principal.brand_id, name=name)
        if segment_id is not None:
            clash = clash.exclude(id=segment_id)
        if await clash.exists():
            raise DomainError(SegmentErrorCode.SEGMENT_NAME_TAKEN, "A segment has this name.", "name")
        if segment_id is None:
            saved = await SavedSegment.create(brand_id=principal.brand_id, name=name, criteria=criteria,
                                              created_by=audit.actor_of(principal))
            before: dict = {}
        else:
            saved = await SavedSegment.filter(brand_id=principal.brand_id, id=segment_id).select_for_update().first()
            if saved is None:
                raise DomainError(SegmentErrorCode.SEGMENT_NOT_FOUND, "No such segment.", "id")
            before = {"name": saved.name, "criteria": saved.criteria}
            saved.name, saved.criteria = name, criteria
            await saved.save()
        if changed := audit.diff(before, {"name": saved.name, "criteria": saved.criteria}):
            await audit.record(principal, brand_id=principal.brand_id,
                               action="segment.create" if segment_id is None else "segment.update",
                               object_type="SavedSegment", object_id=saved.id, changes=changed)
    return saved


def segments_query(principal: Principal) -> QuerySet[SavedSegment]:
    authorize(principal, "segment", "manage")
    return SavedSegment.filter(brand_id=principal.brand_id)


async def rfm_by_member(principal: Principal, member_ids: list[int]) -> dict[int, MemberRfm]:
    """The RFM rows of a page of members the caller may already read: one query."""
    authorize(principal, "rfm", "read")
    rows = await MemberRfm.filter(brand_id=principal.brand_id, member_id__in=list(set(member_ids)))
    return {row.member_id: row for row in rows}
