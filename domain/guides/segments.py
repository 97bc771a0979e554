"""Bulk assignment by saved segment: the segments area's filter compiler gives one query."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.segments.filters import load_saved_segment, member_ids_query
from policies import Principal


async def segment_member_query(principal: Principal, segment_id: int):
    """The brand's members the saved segment selects now (SEGMENT_NOT_FOUND if none)."""
    flt = await load_saved_segment(principal.brand_id, segment_id)
    return await member_ids_query(principal.brand_id, flt, now=datetime.now(UTC))
