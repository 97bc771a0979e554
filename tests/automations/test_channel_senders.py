"""Notification channels: SMS, WeChat and app push go to the gateway the settings name for
each (HMAC-signed like the webhook; a 127.0.0.1 server here), retried with backoff until
FAILED; a channel without a gateway logs (development); the brand webhook keeps its rows."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from domain.notifications import outbox
from domain.notifications.models import Notification, NotificationChannel, NotificationStatus
from domain.notifications.senders import use_channel_senders
from server.notification_senders import install_channel_senders
from server.settings import Settings
from tests.engagement.test_notification_delivery import Partner

SECRET = "gateway-secret-0123456789"
NOW = datetime(2027, 1, 15, 2, tzinfo=UTC)


@pytest.fixture
def gateways():
    started = []

    def start(status: int) -> Partner:
        started.append(Partner(status))
        return started[-1]

    yield start
    use_channel_senders({})  # back to the log for every channel
    for gateway in started:
        gateway.close()


async def notify(world, channel: NotificationChannel, key: str = "k-1") -> None:
    await outbox.enqueue([outbox.Draft(brand_id=world.brand.id, member_id=world.member_a.id, kind="AUTOMATION",
                                       unique_key=key, payload={"text": "Come back"}, channel=channel)], now=NOW)


async def test_an_sms_goes_signed_to_the_sms_gateway_with_the_members_phone(world, gateways):
    sms, push = gateways(200), gateways(200)
    install_channel_senders(Settings(sms_gateway_url=sms.url, sms_gateway_secret=SECRET,
                                     app_push_gateway_url=push.url, app_push_gateway_secret=SECRET))
    await notify(world, NotificationChannel.SMS)

    assert await outbox.deliver_due(NOW) == 1

    [(headers, body)] = sms.received
    expected = hmac.new(SECRET.encode(), headers["x-loyalty-timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert headers["x-loyalty-signature"] == f"sha256={expected}"
    sent = json.loads(body)
    assert (sent["channel"], sent["to"], sent["payload"]) == ("SMS", world.member_a.phone, {"text": "Come back"})
    assert push.received == []
    row = await Notification.get(unique_key="k-1")
    assert (row.status, row.sender, row.attempts) == (NotificationStatus.SENT, "sms", 1)


async def test_a_failing_gateway_is_retried_with_backoff_then_given_up(world, gateways):
    wechat = gateways(503)
    install_channel_senders(Settings(wechat_gateway_url=wechat.url, wechat_gateway_secret=SECRET))
    await notify(world, NotificationChannel.WECHAT)

    for minutes in (0, 0.5, 1, 3, 7, 15, 60):
        await outbox.deliver_due(NOW + timedelta(minutes=minutes))

    assert len(wechat.received) == 5 and "channel" in json.loads(wechat.received[0][1])
    row = await Notification.get(unique_key="k-1")
    assert (row.status, row.attempts, row.sender) == (NotificationStatus.FAILED, 5, "wechat")
    assert "503" in row.last_error


async def test_a_channel_without_a_gateway_logs_and_the_webhook_rows_keep_the_brand_sender(world, gateways):
    install_channel_senders(Settings())
    await notify(world, NotificationChannel.APP_PUSH, "push")
    await notify(world, NotificationChannel.WEBHOOK, "hook")

    assert await outbox.deliver_due(NOW) == 2

    senders = dict(await Notification.all().values_list("unique_key", "sender"))
    assert senders == {"push": "log", "hook": "log"}  # the brand has no webhook: the log


def test_a_gateway_needs_both_its_url_and_its_secret():
    chosen = install_channel_senders(Settings(sms_gateway_url="http://127.0.0.1:9/sms",
                                              wechat_gateway_secret=SECRET))
    assert chosen == {}
    use_channel_senders({})
