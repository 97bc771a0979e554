"""Fixtures of the authorization suite: a world with a caller of every kind, the staff and
API client the mutations aim at, and a snapshot of every table a mutation could change.

Speed: building a world and the suite's per-test clean-up cost ~0.15 s on PostgreSQL, so
tests that change nothing share one world (see `shared_world` and the matrix's world cache);
they run the suite's own clean-up (`tests/conftest.py` `clean_state`) when they are done."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from domain.members.models import Member
from franchise.models import ApiClient, AuditEntry, Brand, Staff, Store, StoreMemberCard, StoreMemberPrice
from policies import Role
from tests import conftest as suite
from tests.factories import World, make_world

CALLERS = (
    "anonymous", "member", "clerk_a", "manager_a", "manager_b",
    "hq_operator", "hq_admin", "partner", "other_admin",
)

# Every table the foundation's mutations write to.
SNAPSHOT_MODELS = (Brand, Store, Staff, Member, ApiClient, StoreMemberCard, StoreMemberPrice, AuditEntry)


@dataclass
class Targets:
    """The first brand's objects the cases aim at, beside the world itself."""

    world: World
    clerk_a: Staff
    manager_a: Staff
    api_client: ApiClient  # the partner's client, the one revokeApiClient aims at

    @property
    def store_a(self) -> Store:
        return self.world.store_a

    @property
    def store_b(self) -> Store:
        return self.world.store_b

    @property
    def member_a(self) -> Member:
        return self.world.member_a

    @property
    def member_b(self) -> Member:
        return self.world.member_b

    def token(self, caller: str) -> str | None:
        return self.world.tokens[caller]


async def build_targets(issuer) -> Targets:
    world = await make_world(issuer)
    brand_id = world.brand.id
    return Targets(
        world=world,
        clerk_a=await Staff.get(brand_id=brand_id, role=Role.STORE_CLERK.value, store_id=world.store_a.id),
        manager_a=await Staff.get(brand_id=brand_id, role=Role.STORE_MANAGER.value, store_id=world.store_a.id),
        api_client=await ApiClient.get(brand_id=brand_id),
    )


async def suite_clean_up(request, app) -> None:
    """Run the suite's per-test clean-up (tests/conftest.py `clean_state`) now."""
    steps = suite.clean_state.__wrapped__(request, app)
    await anext(steps)
    await anext(steps, None)


@pytest.fixture(scope="module")
async def shared_world(request, app) -> World:
    """One world for a whole module of read-only tests (queries change nothing), cleaned at
    the module's end. A module that uses it overrides the suite's per-test `clean_state`
    with a no-op of the same name."""
    try:
        yield await make_world(app.state.tokens)
    finally:
        await suite_clean_up(request, app)


async def take_snapshot(brand_id: int | None = None) -> dict[str, list[dict]]:
    """Every row of every table a mutation could touch (of one brand when given)."""
    snapshot = {}
    for model in SNAPSHOT_MODELS:
        query = model.all()
        if brand_id is not None:
            query = query.filter(id=brand_id) if model is Brand else query.filter(brand_id=brand_id)
        snapshot[model.__name__] = await query.order_by("id").values()
    return snapshot


@pytest.fixture
def snapshot():
    """`await snapshot()` for all brands, `await snapshot(brand_id)` for one."""
    return take_snapshot


def error_codes(body: dict) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors") or []]


def denial_code(caller: str) -> str:
    """No credentials: UNAUTHENTICATED; anything else refused: FORBIDDEN."""
    return "UNAUTHENTICATED" if caller == "anonymous" else "FORBIDDEN"
