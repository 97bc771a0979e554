"""The commerce subgraph and the gateway, started once per test module."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.federation.support import live_url, node, node_server, write_commerce_data  # noqa: F401


@pytest.fixture(scope="module")
def commerce_data(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("commerce") / "data.json"
    write_commerce_data(path)
    return path


@pytest.fixture(scope="module")
async def gateway_url(node, live_url, commerce_data) -> AsyncIterator[str]:  # noqa: F811
    async with node_server(node, "commerce.mjs", {"COMMERCE_DATA": str(commerce_data)}) as commerce_url:
        async with node_server(node, "gateway.mjs", {"LOYALTY_URL": live_url, "COMMERCE_URL": commerce_url}) as url:
            yield url


class GatewayClient:
    """GraphQL requests through the Apollo gateway, with the caller's bearer token."""

    def __init__(self, http: httpx.AsyncClient, url: str) -> None:
        self.http, self.url = http, url

    async def __call__(self, query: str, variables: dict | None = None, *, token: str | None = None) -> dict:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = await self.http.post(self.url, json={"query": query, "variables": variables or {}},
                                        headers=headers)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture
async def through_gateway(gateway_url) -> AsyncIterator[GatewayClient]:
    async with httpx.AsyncClient(timeout=30, trust_env=False) as http:
        yield GatewayClient(http, gateway_url)
