from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from domain.runtime import Runtime
from policies import Principal
from resolvers.loaders import Loaders

T = TypeVar("T")


@dataclass
class Context:
    """What every resolver gets: who calls, per-request loaders, and the outside world."""

    principal: Principal
    runtime: Runtime
    # Issues bearer tokens (server.tokens.TokenIssuer); handed in by the composition root.
    tokens: Any
    client_ip: str
    request_id: str
    loaders: Loaders = field(default_factory=lambda: Loaders())
    request: Any = None
    response: Any = None
    # graphql-transport-ws: the `connection_init` payload (may carry `authorization`).
    connection_params: Any = None
    _memo: dict[str, Any] = field(default_factory=dict)

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """A per-request decision (e.g. may this caller see phones), made once, not per row."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    async def once(self, key: str, start: Callable[[], Awaitable[T]]) -> T:
        """A read that several resolvers of the request need, made once and awaited by each.
        Shielded: graphql-core cancels the pending siblings of a field that failed, and the
        cancelled waiter must not cancel the read another field still waits on (fuzzing found
        that CancelledError)."""
        task = self.memo(key, lambda: asyncio.ensure_future(start()))
        return await asyncio.shield(task)
