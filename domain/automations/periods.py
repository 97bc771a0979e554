"""The period an automation fires in at most once per member, as a key of the brand-local day."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from domain.automations.models import AutomationPeriod


def local_day(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def period_key(period: AutomationPeriod, period_days: int | None, now: datetime, timezone: str) -> str:
    """"once", "2026-11-25", "2026-W48", "2026-11", "2026", or "n7:2948" (the 2948th block of
    7 days since 0001-01-01): every moment of one period gives the same key."""
    day = local_day(now, timezone)
    match period:
        case AutomationPeriod.ONCE:
            return "once"
        case AutomationPeriod.DAILY:
            return day.isoformat()
        case AutomationPeriod.WEEKLY:
            year, week, _ = day.isocalendar()
            return f"{year}-W{week:02d}"
        case AutomationPeriod.MONTHLY:
            return f"{day.year}-{day.month:02d}"
        case AutomationPeriod.YEARLY:
            return str(day.year)
        case AutomationPeriod.EVERY_N_DAYS:
            n = period_days or 1
            return f"n{n}:{day.toordinal() // n}"
    raise ValueError(period)
