"""Pluggable senders: the log (development default) and a signed webhook for partners.

The webhook POSTs the notification as JSON with `X-Loyalty-Timestamp` and
`X-Loyalty-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the brand's secret>`,
so the partner can check the sender and refuse replays. Any non-2xx answer is a failure."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
import urllib.request
from typing import Protocol

from domain.notifications.models import Notification

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


def body_of(notification: Notification) -> bytes:
    return json.dumps({
        "id": str(notification.id), "kind": notification.kind, "memberId": str(notification.member_id or ""),
        "key": notification.unique_key, "payload": notification.payload,
    }, ensure_ascii=False, sort_keys=True).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class WebhookSender:
    name = "webhook"

    def __init__(self, url: str, secret: str) -> None:
        self.url, self.secret = url, secret

    async def send(self, notification: Notification) -> None:
        body = body_of(notification)
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
