"""Delivery from the outbox: a brand's signed webhook (HMAC-SHA256 over timestamp and body),
retries with exponential backoff, FAILED after the last attempt. Webhooks here talk to a
server on 127.0.0.1 only."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from domain.engagement import settings
from domain.notifications import outbox
from domain.notifications.models import Notification, NotificationStatus
from tests.factories import hq

SECRET = "partner-secret-0123456789"
NOW = datetime(2026, 11, 20, 2, tzinfo=timezone.utc)


class Partner:
    def __init__(self, status: int) -> None:
        self.status, self.received = status, []
        partner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["content-length"]))
                partner.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(partner.status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def partner_factory():
    started = []

    def start(status: int) -> Partner:
        started.append(Partner(status))
        return started[-1]

    yield start
    for partner in started:
        partner.close()


async def one_reminder(world, hook_url: str) -> None:
    """The brand's webhook is the partner's; one reminder in the outbox."""
    await settings.update_engagement_settings(hq(world.admin), settings.SettingsInput(
        webhook_url=hook_url, webhook_secret=SECRET))
    await outbox.enqueue([outbox.Draft(brand_id=world.brand.id, member_id=world.member_a.id, kind="POINTS_EXPIRING",
                                       unique_key="k-1", payload={"points": 20})], now=NOW)


async def test_the_webhook_receives_a_signed_notification_once(world, partner_factory):
    partner = partner_factory(204)
    await one_reminder(world, partner.url)

    sent = [await outbox.deliver_due(NOW), await outbox.deliver_due(NOW + timedelta(hours=1))]

    assert sent == [1, 0] and len(partner.received) == 1
    headers, body = partner.received[0]
    expected = hmac.new(SECRET.encode(), headers["x-loyalty-timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert headers["x-loyalty-signature"] == f"sha256={expected}"
    assert json.loads(body)["payload"] == {"points": 20}
    row = await Notification.get(unique_key="k-1")
    assert (row.status, row.sender, row.attempts) == (NotificationStatus.SENT, "webhook", 1)


async def test_a_failing_webhook_is_retried_with_backoff_then_given_up(world, partner_factory):
    partner = partner_factory(500)
    await one_reminder(world, partner.url)

    moments = [NOW, NOW + timedelta(seconds=30), NOW + timedelta(minutes=1), NOW + timedelta(minutes=3),
               NOW + timedelta(minutes=7), NOW + timedelta(minutes=15)]
    for moment in moments:
        await outbox.deliver_due(moment)

    # attempts at 0, 1, 3, 7 and 15 minutes (1, 2, 4, 8 minutes apart); not at 30 seconds
    assert len(partner.received) == 5
    row = await Notification.get(unique_key="k-1")
    assert (row.status, row.attempts) == (NotificationStatus.FAILED, 5)
    assert "500" in row.last_error
    assert await outbox.deliver_due(NOW + timedelta(days=1)) == 0
