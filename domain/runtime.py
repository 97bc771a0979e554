"""What the services need from the outside world, handed in by the composition root."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from redis.asyncio import Redis

log = logging.getLogger("loyalty.codes")


class CodeSender(Protocol):
    async def send(self, *, brand_name: str, phone: str, code: str) -> None: ...


class LoggingCodeSender:
    """Development sender: writes the code to the log instead of an SMS gateway, and, when given
    a file (development only, see Settings.dev_code_file), appends "phone code" to it so a
    script such as the README's tour can sign a member in."""

    def __init__(self, file: Path | None = None) -> None:
        self.file = file

    async def send(self, *, brand_name: str, phone: str, code: str) -> None:
        log.warning("one-time code for %s at %s: %s", phone, brand_name, code)
        if self.file is not None:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            with self.file.open("a", encoding="utf-8") as out:
                out.write(f"{phone} {code}\n")


@dataclass
class Runtime:
    redis: Redis
    code_sender: CodeSender
    # Keys the one-time-code hashes, so a Redis dump does not give the codes away.
    secret_key: str
