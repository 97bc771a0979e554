"""What the services need from the outside world, handed in by the composition root."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from redis.asyncio import Redis

log = logging.getLogger("loyalty.codes")


class CodeSender(Protocol):
    async def send(self, *, brand_name: str, phone: str, code: str) -> None: ...


class LoggingCodeSender:
    """Development sender: writes the code to the log instead of an SMS gateway."""

    async def send(self, *, brand_name: str, phone: str, code: str) -> None:
        log.warning("one-time code for %s at %s: %s", phone, brand_name, code)


@dataclass
class Runtime:
    redis: Redis
    code_sender: CodeSender
    # Keys the one-time-code hashes, so a Redis dump does not give the codes away.
    secret_key: str
