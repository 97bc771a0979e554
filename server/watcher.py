"""Casbin policy changes reach every process: redis-watcher publishes, the others reload."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from urllib.parse import urlparse

from redis_watcher import RedisWatcher, WatcherOptions

from policies import enforcer

log = logging.getLogger("loyalty.policies")
CHANNEL = "loyalty:casbin"


class PolicyWatcher(RedisWatcher):
    """redis-watcher's watcher, except that `close = True` really stops it.

    Upstream only stores the flag: its listener thread would keep the subscription (and call
    back) for the life of the process. Here closing unsubscribes, which ends the listener's
    loop, and closes the publisher's connection."""

    @property
    def close(self) -> bool | None:
        return self.__dict__.get("_closed")

    @close.setter
    def close(self, value: bool | None) -> None:
        self.__dict__["_closed"] = value
        if value:
            self._stop()

    def _stop(self) -> None:
        subscriber, publisher = self.sub_client, self.pub_client
        if subscriber is not None and self.subscribe_thread.is_alive():
            try:
                subscriber.unsubscribe()  # listen() returns once no channel is left
            except Exception:  # noqa: BLE001 - a broken connection has stopped it already
                log.debug("policy watcher: unsubscribe failed", exc_info=True)
        if publisher is not None:
            publisher.close()


def new_policy_watcher(redis_url: str, on_update: Callable[[str], None]) -> PolicyWatcher:
    """A watcher on the policy channel calling `on_update(message)` from its listener thread.

    What redis_watcher.new_watcher does, with the stoppable class."""
    parsed = urlparse(redis_url)
    options = WatcherOptions()
    options.host = parsed.hostname or "127.0.0.1"
    options.port = str(parsed.port or 6379)
    options.password = parsed.password
    options.ssl = parsed.scheme == "rediss"
    options.channel = CHANNEL
    options.optional_update_callback = on_update
    options.init_config()
    watcher = PolicyWatcher()
    watcher.init_config(options)
    watcher.init_publisher_subscriber()
    watcher.close = False
    watcher.subscribe_thread.start()
    watcher.subscribe_event.wait(timeout=5)
    return watcher


def start_policy_watcher(redis_url: str, loop: asyncio.AbstractEventLoop) -> PolicyWatcher:
    """Subscribe to policy updates; returns the watcher (set .close = True to stop it)."""

    def on_update(message: str) -> None:
        # Called on the watcher's listener thread; the enforcer lives on the event loop.
        log.info("policy changed, reloading: %s", message)
        asyncio.run_coroutine_threadsafe(enforcer.reload(), loop)

    watcher = new_policy_watcher(redis_url, on_update)

    async def publish() -> None:
        if watcher.close:
            return
        # The watcher's publisher is a blocking client: keep it off the event loop.
        await asyncio.to_thread(watcher.update)

    enforcer.on_policy_change(publish)
    return watcher
