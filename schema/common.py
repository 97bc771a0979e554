"""Shapes every area shares: the payload error, its code enum, pages."""

from __future__ import annotations

import enum

import strawberry

from domain.automations.errors import AutomationErrorCode
from domain.campaigns.errors import CampaignErrorCode
from domain.channels.errors import ChannelErrorCode
from domain.coupons.errors import CouponErrorCode
from domain.engagement.errors import EngagementErrorCode
from domain.giftcards.errors import GiftCardErrorCode
from domain.guides.errors import GuideErrorCode
from domain.mall.errors import MallErrorCode
from domain.members.errors import MemberErrorCode
from domain.points.errors import PointsErrorCode
from domain.segments.errors import SegmentErrorCode
from domain.reports.errors import ReportErrorCode
from domain.wallet.errors import WalletErrorCode
from franchise.errors import FranchiseErrorCode

# One enum of every code a payload may carry; each area keeps its own list in domain/franchise.
UserErrorCode = strawberry.enum(
    enum.Enum(
        "UserErrorCode",
        {c.value: c.value
         for area in (FranchiseErrorCode, MemberErrorCode, PointsErrorCode, GiftCardErrorCode, WalletErrorCode,
                      CouponErrorCode, MallErrorCode, ChannelErrorCode, EngagementErrorCode, CampaignErrorCode,
                      GuideErrorCode, AutomationErrorCode, SegmentErrorCode, ReportErrorCode)
         for c in area},
    ),
    name="UserErrorCode",
    description="Why a mutation did not do what was asked; the caller can correct it.",
)


@strawberry.type(description="A problem with the input that the caller can correct.")
class UserError:
    code: UserErrorCode  # type: ignore[valid-type]
    field: str | None = strawberry.field(description="The input field at fault, camelCase.")
    message: str


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None
