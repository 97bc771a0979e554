"""Redis, or an in-process stand-in with the same API when LOYALTY_REDIS_URL is unset."""

from __future__ import annotations

from fakeredis import FakeAsyncRedis, FakeServer
from redis.asyncio import Redis


def make_redis(url: str | None) -> Redis:
    if url:
        return Redis.from_url(url)
    # One server per process: every client made here sees the same keys and channels.
    return FakeAsyncRedis(server=_process_server())


_server: FakeServer | None = None


def _process_server() -> FakeServer:
    global _server
    if _server is None:
        _server = FakeServer()
    return _server
