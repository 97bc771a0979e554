"""Suggested messages for guide tasks: a template per reason, filled with the member's name
and the figures that flagged it. Guides edit them before sending; nothing is sent from here."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from domain.guides.models import TaskReason
from domain.guides.tasks import GuideTask
from domain.tiers.models import TierMode

SYMBOLS = {"CNY": "¥", "HKD": "HK$", "USD": "$", "EUR": "€"}

TEMPLATES = {
    TaskReason.NEAR_NEXT_TIER: "Hi {name}, you are only {gap} away from {level}: come by and enjoy its benefits!",
    TaskReason.HIGH_POINTS_UNREDEEMED: "Hi {name}, you have {points} points waiting: treat yourself in our "
                                       "points mall or take them off your next order.",
    TaskReason.POINTS_EXPIRING: "Hi {name}, {points} of your points expire on {date}: use them before then!",
    TaskReason.COUPON_EXPIRING: "Hi {name}, {coupons} of your coupons expire on {date}: we would love to see "
                                "you before then.",
    TaskReason.DORMANT: "Hi {name}, we have missed you! It has been a while since your last visit: "
                        "come and see what is new.",
}


def money(minor: int, currency: str) -> str:
    amount = (Decimal(minor) / 100).quantize(Decimal("0.01"))
    return f"{SYMBOLS.get(currency, currency + ' ')}{amount}"


def _date(moment: datetime | None, zone) -> str:
    return moment.astimezone(zone).date().isoformat() if moment else ""


def suggested_message(task: GuideTask, *, member_name: str | None, currency: str, tier_mode: TierMode | None,
                      zone) -> str:
    """The template of the task's reason with the member's name and figures; `zone` is the
    brand's time zone, so dates are the member's local days."""
    figures = task.figures
    values = {"name": member_name or "there"}
    if task.reason is TaskReason.NEAR_NEXT_TIER:
        gap = figures["gap"]
        values["gap"] = money(gap, currency) if tier_mode is TierMode.SPEND else f"{gap} growth points"
        values["level"] = figures["next_level_name"]
    elif task.reason is TaskReason.HIGH_POINTS_UNREDEEMED:
        values["points"] = figures["points"]
    elif task.reason is TaskReason.POINTS_EXPIRING:
        values["points"], values["date"] = figures["points"], _date(figures["expires_at"], zone)
    elif task.reason is TaskReason.COUPON_EXPIRING:
        values["coupons"], values["date"] = figures["coupons"], _date(figures["expires_at"], zone)
    return TEMPLATES[task.reason].format(**values)
