"""Segment shapes that the Member type shows (kept apart from schema/segments.py, which
imports the Member type for its connection)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import strawberry

from domain.segments.models import RfmSegment as RfmSegmentEnum
from franchise.validation import minor_to_money

RfmSegment = strawberry.enum(RfmSegmentEnum, name="RfmSegment", description=(
    "First that applies: NEW (enrolled recently, at most one order), DORMANT (no purchase for the brand's "
    "dormant days), HIGH_VALUE (R>=3, F>=4, M>=4), AT_RISK (R<=2 and F or M >=3), REGULAR."))


@strawberry.type(description="Recency, frequency and monetary scores (1-5) as of the last computation.")
class MemberRfm:
    recency: int
    frequency: int
    monetary: int
    segment: RfmSegment  # type: ignore[valid-type]
    last_purchase_at: datetime.datetime | None = strawberry.field(description="The latest purchase ever.")
    order_count: int = strawberry.field(description="Orders in the window, fully refunded ones left out.")
    computed_at: datetime.datetime

    @strawberry.field(description="Spend in the window, net of refunds.")
    def net_spend(self) -> Decimal:
        return minor_to_money(self.net_spend_minor)  # type: ignore[attr-defined]
