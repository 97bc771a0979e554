"""Fixtures of the franchise area: a world with two brands, and its audit trail."""

from __future__ import annotations

import pytest

from franchise.models import AuditEntry, Staff


@pytest.fixture
def audit_trail():
    """`await audit_trail(action, object_id)`: the entries of one action, oldest first."""

    async def entries(action: str, object_id: object | None = None) -> list[AuditEntry]:
        query = AuditEntry.filter(action=action)
        if object_id is not None:
            query = query.filter(object_id=str(object_id))
        return await query.order_by("id")

    return entries


@pytest.fixture
async def manager_a_actor(world) -> str:
    """How the audit trail names store A's manager."""
    manager = await Staff.get(brand_id=world.brand.id, role="store_manager", store_id=world.store_a.id)
    return f"staff:{manager.id}"
