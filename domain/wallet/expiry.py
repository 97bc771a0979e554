"""The bonus expiry job: grants past their date leave the wallet with a BONUS_EXPIRE entry.

Safe to run twice or in two processes at once: each wallet is locked and its due grants read
again under the lock, so a grant expires exactly once."""

from __future__ import annotations

from datetime import UTC, datetime


from domain import events
from domain.wallet import ledger
from domain.wallet.models import Bucket, WalletGrant

JOB_ACTOR = "job:expire-wallet-bonus"


async def expire_due_bonus(now: datetime, *, brand_id: int | None = None) -> int:
    """Expire every bonus grant due at `now` (optionally for one brand); returns the minor units expired."""
    now = now.astimezone(UTC)  # SQLite compares datetimes as text: bind UTC, as stored
    due = WalletGrant.filter(bucket=Bucket.BONUS, remaining__gt=0, expires_at__lte=now)
    if brand_id is not None:
        due = due.filter(brand_id=brand_id)
    total = 0
    for member_brand, member_id in await due.distinct().values_list("brand_id", "member_id"):
        async with events.atomic():
            wallet = await ledger.lock_wallet(member_brand, member_id)
            total += await ledger.expire_wallet(wallet, now=now, actor=JOB_ACTOR)
    return total
