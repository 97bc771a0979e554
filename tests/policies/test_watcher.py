"""A policy change in one process reaches the others through Redis (redis-watcher)."""

from __future__ import annotations

import ast
import asyncio
import json
import threading
import time
import uuid

import casbin
import pytest

from policies import Principal, Role, enforcer, may
from policies.enforcer import MODEL_FILE
from policies.storage import CasbinRule, TortoiseAdapter
from server import watcher as watcher_module
from tests.conftest import REDIS_URL

pytestmark = pytest.mark.skipif(
    not REDIS_URL,
    reason="needs a real Redis server (set LOYALTY_TEST_REDIS_URL): redis-watcher opens its own "
    "blocking connections, which the in-process stand-in cannot serve",
)

WAIT_SECONDS = 5.0
BRAND = 11


def clerk() -> Principal:
    return Principal.staff(staff_id=1, brand_id=BRAND, role=Role.STORE_CLERK, store_id=1)


async def eventually(check, what: str) -> None:
    """Poll `check()` (sync or async) until true, for at most WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        result = check()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"not within {WAIT_SECONDS:.0f} s: {what}")
        await asyncio.sleep(0.02)


class Inbox:
    """Messages a watcher's listener thread hands over."""

    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.lock = threading.Lock()

    def __call__(self, raw: str) -> None:
        # redis-watcher passes str(item) of the pub/sub item; its data is the JSON message.
        item = ast.literal_eval(raw)
        with self.lock:
            self.messages.append(json.loads(item["data"]))

    def from_watcher(self, local_id: str) -> list[dict]:
        with self.lock:
            return [m for m in self.messages if m.get("ID") == local_id]


@pytest.fixture
def watchers(monkeypatch):
    """Start watchers on a channel of this test's own, and stop them all afterwards."""
    monkeypatch.setattr(watcher_module, "CHANNEL", f"loyalty:casbin:test:{uuid.uuid4().hex}")
    saved_callbacks = list(enforcer._on_change)
    started: list[watcher_module.PolicyWatcher] = []

    class Watchers:
        def start(self, loop) -> watcher_module.PolicyWatcher:
            """This process's watcher: reloads the process enforcer, publishes its changes."""
            started.append(watcher_module.start_policy_watcher(REDIS_URL, loop))
            return started[-1]

        def other(self, on_update) -> watcher_module.PolicyWatcher:
            """Another process's watcher, with its own callback."""
            started.append(watcher_module.new_policy_watcher(REDIS_URL, on_update))
            return started[-1]

    yield Watchers()
    for w in started:
        w.close = True
    for w in started:
        w.subscribe_thread.join(timeout=WAIT_SECONDS)
    enforcer.clear_policy_change_callbacks()
    enforcer._on_change.extend(saved_callbacks)
    assert not any(w.subscribe_thread.is_alive() for w in started), "a watcher thread kept running"


async def test_policy_change_here_is_announced_and_another_enforcer_reloads(watchers):
    loop = asyncio.get_running_loop()
    here = watchers.start(loop)
    # "Another process": its own enforcer over the same database, reloaded by its own watcher.
    other_enforcer = casbin.AsyncEnforcer(str(MODEL_FILE), TortoiseAdapter())
    await other_enforcer.load_policy()
    inbox = Inbox()

    def on_update(message: str) -> None:
        inbox(message)
        asyncio.run_coroutine_threadsafe(other_enforcer.load_policy(), loop)

    watchers.other(on_update)
    await CasbinRule.create(ptype="p", v0="store_clerk", v1=f"brand:{BRAND}", v2="store_card", v3="write")
    assert not other_enforcer.enforce("store_clerk", f"brand:{BRAND}", "store_card", "write")

    await enforcer.policy_changed()

    assert may(clerk(), "store_card", "write")  # this process reloaded at once
    await eventually(lambda: inbox.from_watcher(here.options.local_ID), "the other watcher is notified")
    assert inbox.from_watcher(here.options.local_ID)[0]["method"] == "Update"
    await eventually(
        lambda: other_enforcer.enforce("store_clerk", f"brand:{BRAND}", "store_card", "write"),
        "the other enforcer reloads the new rule",
    )
    assert not other_enforcer.enforce("store_clerk", f"brand:{BRAND + 1}", "store_card", "write")


async def test_change_announced_by_another_process_reloads_this_one(watchers):
    watchers.start(asyncio.get_running_loop())
    elsewhere = watchers.other(lambda message: None)
    # Another process wrote a rule; this process has not reloaded.
    await CasbinRule.create(ptype="p", v0="store_clerk", v1=f"brand:{BRAND}", v2="store_card", v3="write")
    assert not may(clerk(), "store_card", "write")

    await asyncio.to_thread(elsewhere.update)

    await eventually(lambda: may(clerk(), "store_card", "write"), "this process reloads the rule")


async def test_closing_a_watcher_stops_its_listener_thread(watchers):
    inbox = Inbox()
    here = watchers.start(asyncio.get_running_loop())
    listener = watchers.other(inbox)
    assert here.subscribe_thread.is_alive() and listener.subscribe_thread.is_alive()

    here.close = True

    await eventually(lambda: not here.subscribe_thread.is_alive(), "the closed watcher's thread ends")
    assert listener.subscribe_thread.is_alive()
    # A closed watcher no longer publishes; the one still open does.
    await enforcer.policy_changed()
    await asyncio.to_thread(listener.update)
    await eventually(lambda: inbox.from_watcher(listener.options.local_ID), "the open watcher still hears")
    assert inbox.from_watcher(here.options.local_ID) == []
