"""The process-wide Casbin enforcer, loaded from the database.

One enforcer per process; `reload()` re-reads the rules after a change here or, through the
watcher wired in server/, after a change in another process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import casbin

from policies.storage import TortoiseAdapter, sync_default_policy

MODEL_FILE = Path(__file__).with_name("model.conf")

_enforcer: casbin.AsyncEnforcer | None = None
_lock = asyncio.Lock()
# Called after this process changed the rules, so other processes reload too.
_on_change: list[Callable[[], object]] = []


async def load_enforcer() -> casbin.AsyncEnforcer:
    global _enforcer
    await sync_default_policy()
    enforcer = casbin.AsyncEnforcer(str(MODEL_FILE), TortoiseAdapter())
    await enforcer.load_policy()
    _enforcer = enforcer
    return enforcer


def get_enforcer() -> casbin.AsyncEnforcer:
    if _enforcer is None:
        raise RuntimeError("The policy enforcer is not loaded: call load_enforcer() at start-up.")
    return _enforcer


async def reload() -> None:
    async with _lock:
        await get_enforcer().load_policy()


def on_policy_change(callback: Callable[[], object]) -> None:
    _on_change.append(callback)


def clear_policy_change_callbacks() -> None:
    _on_change.clear()


async def policy_changed() -> None:
    """Reload here and tell the other processes (the watcher publishes)."""
    await reload()
    for callback in list(_on_change):
        result = callback()
        if asyncio.iscoroutine(result):
            await result


def enforce(subject: str, brand_id: int, obj: str, act: str) -> bool:
    return get_enforcer().enforce(subject, f"brand:{brand_id}", obj, act)
