from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.runtime import Runtime
from policies import Principal
from resolvers.loaders import Loaders


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
