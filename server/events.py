"""The event bus behind domain.events: Redis pub/sub across processes when LOYALTY_REDIS_URL
is set, an in-process fan-out on the embedded default (one process, as the rest of it)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence

from redis.asyncio import Redis

from domain import events
from domain.events import BalanceChanged

log = logging.getLogger("loyalty.events")

# A subscriber that falls this far behind loses its oldest notices rather than the process its memory.
QUEUE_LIMIT = 1000


class InProcessBus:
    def __init__(self) -> None:
        self._queues: dict[str, set[asyncio.Queue[BalanceChanged]]] = defaultdict(set)

    async def publish(self, published: Sequence[BalanceChanged]) -> None:
        for event in published:
            for queue in self._queues.get(event.topic, ()):
                if queue.full():
                    queue.get_nowait()
                queue.put_nowait(event)

    @contextlib.asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[AsyncIterator[BalanceChanged]]:
        queue: asyncio.Queue[BalanceChanged] = asyncio.Queue(QUEUE_LIMIT)
        self._queues[topic].add(queue)

        async def stream() -> AsyncIterator[BalanceChanged]:
            while True:
                yield await queue.get()

        try:
            yield stream()
        finally:
            self._queues[topic].discard(queue)
            if not self._queues[topic]:
                del self._queues[topic]

    async def aclose(self) -> None:
        return None


class RedisBus:
    """One PUBLISH per event; each subscription holds its own pub/sub connection."""

    def __init__(self, url: str) -> None:
        self.redis = Redis.from_url(url)

    async def publish(self, published: Sequence[BalanceChanged]) -> None:
        async with self.redis.pipeline(transaction=False) as pipe:
            for event in published:
                pipe.publish(event.topic, json.dumps(event.to_json()))
            await pipe.execute()

    @contextlib.asynccontextmanager
    async def subscribe(self, topic: str) -> AsyncIterator[AsyncIterator[BalanceChanged]]:
        pubsub = self.redis.pubsub()
        try:
            await pubsub.subscribe(topic)
            # Wait for Redis to confirm, so a change published after entering is not missed.
            async with asyncio.timeout(5):
                while (await pubsub.get_message(timeout=1.0) or {}).get("type") != "subscribe":
                    pass

            async def stream() -> AsyncIterator[BalanceChanged]:
                async for message in pubsub.listen():
                    if message.get("type") == "message":
                        yield BalanceChanged.from_json(json.loads(message["data"]))

            yield stream()
        finally:
            with contextlib.suppress(Exception):
                await pubsub.unsubscribe(topic)
            await pubsub.aclose()

    async def aclose(self) -> None:
        await self.redis.aclose()


def install_event_bus(redis_url: str | None) -> InProcessBus | RedisBus:
    bus = RedisBus(redis_url) if redis_url else InProcessBus()
    events.use_bus(bus)
    return bus


async def uninstall_event_bus(bus: InProcessBus | RedisBus) -> None:
    if events.current_bus() is bus:
        events.use_bus(None)
    await bus.aclose()
