"""Write to the outbox (once per unique key), read it (HQ), and deliver what is due through
the brand's sender, retrying with exponential backoff until MAX_ATTEMPTS."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from domain.engagement.settings import brand_settings
from domain.notifications.models import Notification, NotificationChannel, NotificationStatus
from domain.notifications.senders import LoggingSender, Sender, WebhookSender, channel_sender
from policies import Principal, authorize

log = logging.getLogger("loyalty.notifications")
MAX_ATTEMPTS = 5
BASE_DELAY = timedelta(minutes=1)


@dataclass
class Draft:
    brand_id: int
    kind: str
    unique_key: str
    payload: dict
    member_id: int | None = None
    channel: NotificationChannel = NotificationChannel.WEBHOOK


async def write(drafts: list[Draft], *, now: datetime) -> None:
    """Insert the drafts whose key is new, inside the caller's transaction, without counting."""
    await Notification.bulk_create(
        [Notification(brand_id=d.brand_id, member_id=d.member_id, kind=d.kind, unique_key=d.unique_key,
                      payload=d.payload, channel=d.channel, next_attempt_at=now.astimezone(UTC)) for d in drafts],
        ignore_conflicts=True, batch_size=500)


async def enqueue(drafts: list[Draft], *, now: datetime) -> int:
    """Insert the drafts whose key is new (the unique index skips the rest); returns how many
    were new. Reads only the drafts' own keys (not the brand's whole outbox, which only grows),
    two statements per 500 drafts."""
    if not drafts:
        return 0
    keys = {(d.brand_id, d.unique_key) for d in drafts}
    known: set[tuple[int, str]] = set()
    ordered = sorted(keys)
    for start in range(0, len(ordered), 500):
        chunk = ordered[start:start + 500]
        known.update(await Notification.filter(
            brand_id__in=list({b for b, _ in chunk}), unique_key__in=[k for _, k in chunk],
        ).values_list("brand_id", "unique_key"))
    await write(drafts, now=now)
    return len(keys - known)


def notifications_query(principal: Principal, *, status: NotificationStatus | None = None, kind: str | None = None,
                        channel: NotificationChannel | None = None):
    authorize(principal, "notification", "read")
    query = Notification.filter(brand_id=principal.brand_id)
    if channel is not None:
        query = query.filter(channel=channel)
    if status is not None:
        query = query.filter(status=status)
    if kind:
        query = query.filter(kind=kind)
    return query


async def sender_for(brand_id: int) -> Sender:
    """The brand's partner webhook when HQ set one, else the log (development default)."""
    settings = await brand_settings(brand_id)
    if settings.webhook_url and settings.webhook_secret:
        return WebhookSender(settings.webhook_url, settings.webhook_secret)
    return LoggingSender()


def backoff(attempts: int) -> timedelta:
    return BASE_DELAY * (2 ** (attempts - 1))


async def deliver_due(now: datetime | None = None, *, brand_id: int | None = None, limit: int = 500) -> int:
    """Send every PENDING notification that is due; returns how many were sent. Each row is
    locked while it is sent (SKIP LOCKED on PostgreSQL), so two workers never send one twice."""
    now = (now or datetime.now(UTC)).astimezone(UTC)
    due = Notification.filter(status=NotificationStatus.PENDING, next_attempt_at__lte=now)
    if brand_id is not None:
        due = due.filter(brand_id=brand_id)
    senders: dict[int, Sender] = {}
    sent = 0
    for row_id in await due.order_by("id").limit(limit).values_list("id", flat=True):
        async with in_transaction():
            row = await Notification.filter(id=row_id, status=NotificationStatus.PENDING).select_for_update(
                skip_locked=True).first()
            if row is None:
                continue
            if row.channel is not NotificationChannel.WEBHOOK:
                sender = channel_sender(row.channel)
            else:
                if row.brand_id not in senders:
                    senders[row.brand_id] = await sender_for(row.brand_id)
                sender = senders[row.brand_id]
            row.attempts += 1
            row.sender = sender.name
            try:
                await sender.send(row)
            except Exception as error:  # any failure of the far side is retried, then given up
                row.last_error = f"{type(error).__name__}: {error}"[:500]
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = NotificationStatus.FAILED
                else:
                    row.next_attempt_at = now + backoff(row.attempts)
                log.warning("notification %s attempt %s failed: %s", row.id, row.attempts, row.last_error)
            else:
                row.status, row.sent_at, row.last_error = NotificationStatus.SENT, now, ""
                sent += 1
            await row.save()
    return sent
