"""Relay-style pages over a queryset, newest first, by keyset (id) cursors."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any

from franchise.errors import DomainError, FranchiseErrorCode

MAX_PAGE = 100


@dataclass
class Edge:
    cursor: str
    node: Any


@dataclass
class PageInfo:
    has_next_page: bool
    end_cursor: str | None
    has_previous_page: bool = False
    start_cursor: str | None = None


@dataclass
class Page:
    edges: list[Edge]
    page_info: PageInfo
    total_count: int


def encode_cursor(row_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{row_id}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        kind, _, value = base64.urlsafe_b64decode(cursor.encode()).decode().partition(":")
        if kind == "id" and 0 < (row_id := int(value)) < 2**63:  # a bigint, or the database refuses it
            return row_id
    except (ValueError, UnicodeDecodeError):
        pass
    raise DomainError(FranchiseErrorCode.INVALID_INPUT, "Not a cursor from this API.", "after")


async def paginate(query, *, first: int, after: str | None) -> Page:
    """Two queries whatever the page holds: the count and the page itself."""
    if not 0 <= first <= MAX_PAGE:
        raise DomainError(FranchiseErrorCode.INVALID_INPUT, f"first is 0 to {MAX_PAGE}.", "first")
    total = await query.count()
    page_query = query.order_by("-id")
    if after:
        page_query = page_query.filter(id__lt=decode_cursor(after))
    rows = await page_query.limit(first + 1)
    has_next = len(rows) > first
    rows = rows[:first]
    edges = [Edge(cursor=encode_cursor(r.id), node=r) for r in rows]
    return Page(
        edges=edges,
        page_info=PageInfo(
            has_next_page=has_next,
            end_cursor=edges[-1].cursor if edges else None,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
        ),
        total_count=total,
    )
