"""Fixtures of the members area: a world of two brands, and small callers of the members API."""

from __future__ import annotations

import pytest

from domain.members.models import Member
from tests.members.support import REGISTER


@pytest.fixture
def register(gql):
    """`await register({...}, token=...)` → the registerMember payload (a top-level error fails)."""

    async def call(input: dict, token: str | None = None) -> dict:
        body = await gql(REGISTER, {"input": input}, token=token)
        return body["data"]["registerMember"]

    return call


@pytest.fixture
def member_count():
    """`await member_count(**filters)` counts member rows straight from the database."""

    async def count(**filters) -> int:
        return await Member.filter(**filters).count()

    return count
