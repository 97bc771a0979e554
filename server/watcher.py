"""Casbin policy changes reach every process: redis-watcher publishes, the others reload."""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlparse

from redis_watcher import WatcherOptions, new_watcher

from policies import enforcer

log = logging.getLogger("loyalty.policies")
CHANNEL = "loyalty:casbin"


def start_policy_watcher(redis_url: str, loop: asyncio.AbstractEventLoop):
    """Subscribe to policy updates; returns the watcher (set .close = True to stop it)."""

    def on_update(message: str) -> None:
        # Called on the watcher's listener thread; the enforcer lives on the event loop.
        log.info("policy changed, reloading: %s", message)
        asyncio.run_coroutine_threadsafe(enforcer.reload(), loop)

    parsed = urlparse(redis_url)
    options = WatcherOptions()
    options.host = parsed.hostname or "127.0.0.1"
    options.port = str(parsed.port or 6379)
    options.password = parsed.password
    options.channel = CHANNEL
    options.optional_update_callback = on_update
    watcher = new_watcher(options)

    async def publish() -> None:
        # The watcher's publisher is a blocking client: keep it off the event loop.
        await asyncio.to_thread(watcher.update)

    enforcer.on_policy_change(publish)
    return watcher
