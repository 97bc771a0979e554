"""Fixtures of the gift-card tests."""

from __future__ import annotations

import pytest

from policies import Role
from tests.factories import make_staff


@pytest.fixture
def runtime(app):
    return app.state.runtime


@pytest.fixture
def member_b_token(world, tokens) -> str:
    return tokens.issue(kind="member", subject_id=world.member_b.id, brand_id=world.brand.id)


@pytest.fixture
def other_member_token(world, tokens) -> str:
    return tokens.issue(kind="member", subject_id=world.other_member.id, brand_id=world.other_brand.id)


@pytest.fixture
async def second_clerk_a(world, tokens) -> str:
    clerk = await make_staff(world.admin, Role.STORE_CLERK, world.store_a)
    return tokens.issue(kind="staff", subject_id=clerk.id, brand_id=world.brand.id)


@pytest.fixture
async def clerk_b(world, tokens) -> str:
    clerk = await make_staff(world.admin, Role.STORE_CLERK, world.store_b)
    return tokens.issue(kind="staff", subject_id=clerk.id, brand_id=world.brand.id)
