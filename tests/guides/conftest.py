"""Fixtures of the shopping-guide tests."""

from __future__ import annotations

import pytest

from franchise.models import Staff
from policies import Role
from tests.factories import make_staff
from tests.guides.support import Guides


@pytest.fixture
async def guides(world, tokens) -> Guides:
    brand_id, store_a = world.brand.id, world.store_a.id
    clerk_a2 = await make_staff(world.admin, Role.STORE_CLERK, world.store_a)
    clerk_b = await make_staff(world.admin, Role.STORE_CLERK, world.store_b)
    world.tokens["clerk_a2"] = tokens.issue(kind="staff", subject_id=clerk_a2.id, brand_id=brand_id)
    world.tokens["clerk_b"] = tokens.issue(kind="staff", subject_id=clerk_b.id, brand_id=brand_id)
    return Guides(
        world=world,
        clerk_a=await Staff.get(brand_id=brand_id, role="store_clerk", store_id=store_a, id__not=clerk_a2.id),
        clerk_a2=clerk_a2,
        manager_a=await Staff.get(brand_id=brand_id, role="store_manager", store_id=store_a),
        manager_b=await Staff.get(brand_id=brand_id, role="store_manager", store_id=world.store_b.id),
        clerk_b=clerk_b,
    )
