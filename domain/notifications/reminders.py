"""Points expiry reminders: one per member per expiry date, for lots expiring within the
brand's `expiry_reminder_days`, written to the outbox (the daily job, then delivered)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.functions import Sum

from domain.engagement.models import EngagementSettings
from domain.notifications.outbox import Draft, enqueue
from domain.points.models import PointsLot
from franchise.models import Brand

KIND = "POINTS_EXPIRING"
DEFAULT_DAYS = 7


async def write_expiry_reminders(now: datetime, *, brand_id: int | None = None) -> int:
    """Returns how many reminders were new; running it again the same day adds none."""
    now = now.astimezone(UTC)
    brands = Brand.all() if brand_id is None else Brand.filter(id=brand_id)
    days = {s.brand_id: s.expiry_reminder_days for s in await EngagementSettings.all()}
    written = 0
    for brand in await brands:
        horizon = now + timedelta(days=days.get(brand.id, DEFAULT_DAYS))
        rows = await (PointsLot.filter(brand_id=brand.id, remaining__gt=0, expires_at__gt=now, expires_at__lte=horizon)
                      .annotate(points=Sum("remaining")).group_by("member_id", "expires_at")
                      .values("member_id", "expires_at", "points"))
        zone = ZoneInfo(brand.timezone)
        totals: dict[tuple[int, str], int] = {}
        for row in rows:
            # A lot expires at the local midnight after its last valid day: that day is the date.
            last_day = (row["expires_at"].astimezone(zone) - timedelta(seconds=1)).date().isoformat()
            key = (row["member_id"], last_day)
            totals[key] = totals.get(key, 0) + int(row["points"])
        drafts = [Draft(brand_id=brand.id, member_id=member_id, kind=KIND,
                        unique_key=f"points-expiring:{member_id}:{day}",
                        payload={"points": points, "lastDay": day})
                  for (member_id, day), points in sorted(totals.items())]
        written += await enqueue(drafts, now=now)
    return written
