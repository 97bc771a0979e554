"""Suggested messages: each reason's template with the member's name and figures; money in the
brand's currency, dates as the brand's local days."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from domain.guides.messages import suggested_message
from domain.guides.models import TaskReason
from domain.guides.tasks import GuideTask
from domain.tiers.models import TierMode
from tests.guides.support import at

SHANGHAI = ZoneInfo("Asia/Shanghai")
LATE_EVENING_UTC = at("2030-06-25T16:30:00+00:00")  # 00:30 on the 26th in Shanghai


@pytest.mark.parametrize(("task", "mode", "expected"), [
    (GuideTask(1, TaskReason.NEAR_NEXT_TIER, {"next_level": 2, "next_level_name": "Gold", "gap": 1_999}),
     TierMode.SPEND, "Hi Lin, you are only ¥19.99 away from Gold: come by and enjoy its benefits!"),
    (GuideTask(1, TaskReason.NEAR_NEXT_TIER, {"next_level": 3, "next_level_name": "VIP", "gap": 40}),
     TierMode.GROWTH, "Hi Lin, you are only 40 growth points away from VIP: come by and enjoy its benefits!"),
    (GuideTask(1, TaskReason.HIGH_POINTS_UNREDEEMED, {"points": 8_800, "idle_days": 90}), None,
     "Hi Lin, you have 8800 points waiting: treat yourself in our points mall or take them off your next order."),
    (GuideTask(1, TaskReason.POINTS_EXPIRING, {"points": 120, "expires_at": LATE_EVENING_UTC}), None,
     "Hi Lin, 120 of your points expire on 2030-06-26: use them before then!"),
    (GuideTask(1, TaskReason.COUPON_EXPIRING, {"coupons": 2, "expires_at": LATE_EVENING_UTC}), None,
     "Hi Lin, 2 of your coupons expire on 2030-06-26: we would love to see you before then."),
    (GuideTask(1, TaskReason.DORMANT, {"days": 60, "last_purchase_at": None}), None,
     "Hi Lin, we have missed you! It has been a while since your last visit: come and see what is new."),
], ids=lambda v: v.reason.value if isinstance(v, GuideTask) else None)
def test_suggested_message_fills_the_reasons_template(task, mode, expected):
    assert suggested_message(task, member_name="Lin", currency="CNY", tier_mode=mode, zone=SHANGHAI) == expected


def test_a_member_without_a_name_is_greeted_anyway():
    task = GuideTask(1, TaskReason.DORMANT, {"days": 60, "last_purchase_at": None})

    assert suggested_message(task, member_name=None, currency="CNY", tier_mode=None, zone=SHANGHAI).startswith(
        "Hi there, ")
