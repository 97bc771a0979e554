"""A small graphql-transport-ws client over httpx-ws, for the app in process or a server."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
from httpx_ws import aconnect_ws
from httpx_ws.transport import ASGIWebSocketTransport

PROTOCOL = "graphql-transport-ws"
POINTS_CHANGED = """subscription($memberId: ID!) {
  pointsBalanceChanged(memberId: $memberId) { memberId balance delta kind occurredAt } }"""
TIMEOUT = 10.0


class Subscription:
    def __init__(self, ws) -> None:
        self.ws = ws

    async def next_message(self, timeout: float = TIMEOUT) -> dict:
        while True:
            message = await self.ws.receive_json(timeout=timeout)
            if message["type"] == "ping":
                await self.ws.send_json({"type": "pong"})
                continue
            return message

    async def next_change(self, timeout: float = TIMEOUT) -> dict:
        message = await self.next_message(timeout)
        assert message["type"] == "next", message
        assert not message["payload"].get("errors"), message
        return message["payload"]["data"]["pointsBalanceChanged"]

    async def nothing_within(self, seconds: float) -> bool:
        try:
            await self.next_message(timeout=seconds)
        except (TimeoutError, asyncio.TimeoutError):
            return True
        return False


@contextlib.asynccontextmanager
async def subscribe(http: httpx.AsyncClient, document: str, variables: dict, *, token: str | None,
                    in_init: bool = True) -> AsyncIterator[Subscription]:
    """Open /graphql, send the credential in `connection_init` (or as a header), subscribe."""
    headers = {} if in_init or token is None else {"authorization": f"Bearer {token}"}
    async with aconnect_ws("/graphql", http, subprotocols=[PROTOCOL], headers=headers) as ws:
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"} if in_init and token else {}}
        await ws.send_json(init)
        ack = await ws.receive_json(timeout=TIMEOUT)
        assert ack["type"] == "connection_ack", ack
        await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": document, "variables": variables}})
        yield Subscription(ws)
        with contextlib.suppress(Exception):
            await ws.send_json({"id": "1", "type": "complete"})


@contextlib.asynccontextmanager
async def ws_client(app) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client whose WebSockets reach the ASGI app in this event loop."""
    async with ASGIWebSocketTransport(app) as transport, httpx.AsyncClient(
            transport=transport, base_url="http://test") as http:
        yield http
