"""Fixtures for the sign-in tests: a brand's world and clients calling from other addresses."""

from __future__ import annotations

import pytest
from httpx import ASGITransport, AsyncClient

from tests.conftest import GraphQLClient


@pytest.fixture
def gql_from(app):
    """`async with gql_from("10.0.0.7") as other:` a GraphQL client calling from another IP."""

    class _From:
        def __init__(self, ip: str) -> None:
            self.ip = ip

        async def __aenter__(self) -> GraphQLClient:
            self.http = AsyncClient(
                transport=ASGITransport(app=app, client=(self.ip, 50001)), base_url="http://test"
            )
            await self.http.__aenter__()
            return GraphQLClient(self.http)

        async def __aexit__(self, *exc) -> None:
            await self.http.__aexit__(*exc)

    return _From
