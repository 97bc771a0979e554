"""Domain events, published only once the transaction that caused them has committed.

Tortoise has no commit hooks, so balance-changing services open their transaction with
`atomic()` instead of `in_transaction()`: events recorded inside it (`record`) wait in a
contextvar-scoped buffer; a scope that raises drops its events with its rollback, a nested
scope hands them to its parent, and the outermost one publishes them after its commit.

The domain only knows this port; server/ installs the bus (Redis pub/sub when
LOYALTY_REDIS_URL is set, an in-process fan-out otherwise) with `use_bus`."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from tortoise import Tortoise
from tortoise.backends.base.client import TransactionalDBClient
from tortoise.transactions import in_transaction

log = logging.getLogger("loyalty.events")


@dataclass(frozen=True)
class BalanceChanged:
    """A member's balance of one kind ("points"; the wallet adds "wallet") moved by `delta`."""

    account: str
    brand_id: int
    member_id: int
    balance: int
    delta: int
    kind: str | None  # the ledger kind; None for the current balance a subscriber starts with
    occurred_at: datetime

    @property
    def topic(self) -> str:
        return balance_topic(self.account, self.brand_id, self.member_id)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "occurred_at": self.occurred_at.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BalanceChanged:
        return cls(**{**data, "occurred_at": datetime.fromisoformat(data["occurred_at"])})


def balance_topic(account: str, brand_id: int, member_id: int) -> str:
    return f"loyalty:balance:{account}:{brand_id}:{member_id}"


class EventBus(Protocol):
    async def publish(self, events: Sequence[BalanceChanged]) -> None: ...

    def subscribe(self, topic: str) -> contextlib.AbstractAsyncContextManager[AsyncIterator[BalanceChanged]]:
        """Listening once entered (so nothing published after entering is missed)."""
        ...


_bus: EventBus | None = None
_pending: ContextVar[list[BalanceChanged] | None] = ContextVar("loyalty_pending_events", default=None)


def use_bus(bus: EventBus | None) -> None:
    global _bus
    _bus = bus


def current_bus() -> EventBus | None:
    return _bus


def bus() -> EventBus:
    if _bus is None:
        raise RuntimeError("no event bus installed (server.events.install_event_bus)")
    return _bus


def record(event: BalanceChanged) -> None:
    """Publish `event` after the enclosing `atomic()` commits; never if it rolls back."""
    pending = _pending.get()
    if pending is None:
        # A balance moved outside atomic(): its subscribers would never hear of it.
        raise RuntimeError("balances change only inside domain.events.atomic(): open the transaction that "
                           "moves a balance with it instead of in_transaction()")
    pending.append(event)


@contextlib.asynccontextmanager
async def atomic() -> AsyncIterator[None]:
    """`in_transaction()` whose recorded events are published after the outermost commit."""
    parent = _pending.get()
    if parent is None and _in_plain_transaction():
        # Its commit would only release a savepoint: publishing then could announce a change
        # that the outer transaction still rolls back.
        raise RuntimeError("domain.events.atomic() inside a plain in_transaction(): open the outer "
                           "transaction with atomic() too")
    pending: list[BalanceChanged] = []
    token = _pending.set(pending)
    try:
        async with in_transaction():
            yield
    finally:
        _pending.reset(token)
    # Reached only when the transaction (or savepoint) ended without an exception.
    if parent is not None:
        parent.extend(pending)
    elif pending:
        await _publish(pending)


def _in_plain_transaction() -> bool:
    return isinstance(Tortoise.get_connection("default"), TransactionalDBClient)


async def _publish(events: list[BalanceChanged]) -> None:
    if _bus is None:
        return  # a command-line run without a server: nobody listens
    try:
        await _bus.publish(events)
    except Exception:  # noqa: BLE001 - the change is committed; a lost notice must not fail it
        log.exception("could not publish %d balance events", len(events))


async def balance_changes(account: str, brand_id: int, member_id: int,
                          current_balance: Callable[[], Awaitable[int]]) -> AsyncIterator[BalanceChanged]:
    """A subscriber's stream for one member's balance: first the balance as it is (kind None,
    delta 0), read after listening has begun so no change falls between, then every committed
    change. The caller authorizes first; the wallet reuses this with its own balance reader."""
    async with bus().subscribe(balance_topic(account, brand_id, member_id)) as stream:
        yield BalanceChanged(account=account, brand_id=brand_id, member_id=member_id,
                             balance=await current_balance(), delta=0, kind=None,
                             occurred_at=datetime.now(UTC))
        async for change in stream:
            yield change
