"""The expiry job: lots past their date leave the balance with an EXPIRE ledger entry.

Safe to run twice or in two processes at once: each account is locked and its due lots are
read again under the lock, so a lot expires exactly once."""

from __future__ import annotations

from datetime import UTC, datetime

from domain import events

from domain.points import ledger
from domain.points.models import PointsLot

JOB_ACTOR = "job:expire-points"


async def expire_due_lots(now: datetime, *, brand_id: int | None = None, batch: int = 500) -> int:
    """Expire every lot due at `now` (optionally for one brand); returns the points expired."""
    now = now.astimezone(UTC)  # SQLite compares datetimes as text: bind UTC, as stored
    due = PointsLot.filter(remaining__gt=0, expires_at__lte=now)
    if brand_id is not None:
        due = due.filter(brand_id=brand_id)
    members = await due.distinct().values_list("brand_id", "member_id")
    total = 0
    for start in range(0, len(members), batch):
        for member_brand, member_id in members[start:start + batch]:
            async with events.atomic():
                account = await ledger.lock_account(member_brand, member_id)
                total += await ledger.expire_account(account, now=now, actor=JOB_ACTOR)
    return total
