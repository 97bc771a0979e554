"""Pluggable senders: the log (development default), a signed webhook for partners, and per
channel (SMS, WeChat template message, app push) a gateway chosen by the deployment's settings.

The webhook POSTs the notification as JSON with `X-Loyalty-Timestamp` and
`X-Loyalty-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the brand's secret>`,
so the partner can check the sender and refuse replays. Any non-2xx answer is a failure.
A channel gateway receives the same signed body with `channel` and, for SMS, the member's
phone as `to`; the composition root installs the gateways with `use_channel_senders`."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
import urllib.request
from typing import Protocol

from domain.members.models import Member
from domain.notifications.models import Notification, NotificationChannel

log = logging.getLogger("loyalty.notifications")
TIMEOUT_SECONDS = 10


class Sender(Protocol):
    name: str

    async def send(self, notification: Notification) -> None: ...


class LoggingSender:
    name = "log"

    async def send(self, notification: Notification) -> None:
        log.info("notification %s %s for member %s: %s", notification.id, notification.kind,
                 notification.member_id, json.dumps(notification.payload, ensure_ascii=False))


def body_of(notification: Notification, **extra: str) -> bytes:
    return json.dumps({
        "id": str(notification.id), "kind": notification.kind, "memberId": str(notification.member_id or ""),
        "key": notification.unique_key, "payload": notification.payload, **extra,
    }, ensure_ascii=False, sort_keys=True).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class WebhookSender:
    name = "webhook"

    def __init__(self, url: str, secret: str) -> None:
        self.url, self.secret = url, secret

    async def send(self, notification: Notification) -> None:
        await self.post(body_of(notification))

    async def post(self, body: bytes) -> None:
        timestamp = str(int(time.time()))
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "content-type": "application/json", "x-loyalty-timestamp": timestamp,
            "x-loyalty-signature": signature(self.secret, timestamp, body),
        })
        # urllib raises HTTPError for non-2xx; run it off the event loop.
        await asyncio.to_thread(self._post, request)

    @staticmethod
    def _post(request: urllib.request.Request) -> None:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 (http(s) only)
            if not 200 <= response.status < 300:
                raise OSError(f"webhook answered {response.status}")


class GatewaySender(WebhookSender):
    """A channel's gateway (the deployment's SMS, WeChat or push service), signed as the webhook."""

    def __init__(self, channel: NotificationChannel, url: str, secret: str) -> None:
        super().__init__(url, secret)
        self.channel = channel
        self.name = channel.value.lower()

    async def send(self, notification: Notification) -> None:
        extra = {"channel": self.channel.value}
        if self.channel is NotificationChannel.SMS and notification.member_id:
            phones = await Member.filter(id=notification.member_id).values_list("phone", flat=True)
            extra["to"] = phones[0] if phones else ""
        await self.post(body_of(notification, **extra))


_channel_senders: dict[NotificationChannel, Sender] = {}


def use_channel_senders(senders: dict[NotificationChannel, Sender]) -> None:
    """Installed by the composition root from settings; a channel without one logs."""
    _channel_senders.clear()
    _channel_senders.update(senders)


def channel_sender(channel: NotificationChannel) -> Sender:
    return _channel_senders.get(channel) or LoggingSender()
