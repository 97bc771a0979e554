"""Who may import channel orders and read pending channel points: a partner with
`orders:import` or HQ (operator, admin). Everyone else is refused and nothing changes; another
brand's admin imports into its own brand only."""

from __future__ import annotations

import pytest

from domain.channels.models import ChannelOrder
from tests.authorization.conftest import CALLERS, denial_code
from tests.channels.support import PENDING, import_orders, order, snapshot
from tests.factories import make_api_client
from tests.points.support import error_codes

ALL_CALLERS = (*CALLERS, "partner_import")
IMPORTERS = frozenset({"hq_operator", "hq_admin", "partner_import"})
READERS = frozenset({"hq_operator", "hq_admin"})


@pytest.fixture
async def scene(world):
    world.tokens["partner_import"] = await make_api_client(world.admin, ["orders:import"])
    return world


@pytest.mark.parametrize("caller", [
    pytest.param(c, id=f"{c}-{'allowed' if c in IMPORTERS or c == 'other_admin' else 'denied'}") for c in ALL_CALLERS
])
async def test_import_channel_orders_permission(gql, scene, caller):
    before = await snapshot()

    body = await import_orders(gql, scene.tokens[caller], [order("T-1", scene.member_a.phone, "10.00")],
                               expect_errors=True)

    if caller in IMPORTERS:
        assert body["data"]["importChannelOrders"]["accepted"] == 1, body
    elif caller == "other_admin":
        # its own brand has no such member: the order waits there, never touching ours
        assert body["data"]["importChannelOrders"]["pending"] == 1, body
        assert await ChannelOrder.filter(brand_id=scene.brand.id).count() == 0
    else:
        assert error_codes(body) == [denial_code(caller)]
        assert body["data"] is None
        assert await snapshot() == before


async def test_store_limited_partner_imports_orders_of_its_stores_only(gql, scene):
    key = await make_api_client(scene.admin, ["orders:import"], [scene.store_b.id])

    payload = await import_orders(gql, key, [order("T-1", scene.member_a.phone, "10.00"),
                                             order("T-2", scene.member_a.phone, "10.00", storeId=str(scene.store_a.id)),
                                             order("T-3", scene.member_a.phone, "10.00", storeId=str(scene.store_b.id))])

    assert [r["outcome"] for r in payload["results"]] == ["REJECTED", "REJECTED", "ACCEPTED"]
    assert await ChannelOrder.all().values_list("external_id", flat=True) == ["T-3"]


@pytest.mark.parametrize("caller", [
    pytest.param(c, id=f"{c}-{'allowed' if c in READERS else 'denied'}") for c in ALL_CALLERS if c != "other_admin"
])
async def test_pending_channel_points_permission(gql, scene, caller):
    await import_orders(gql, scene.tokens["partner_import"], [order("T-1", "+8613900000001", "10.00")])

    body = await gql(PENDING, {"phone": "+8613900000001"}, token=scene.tokens[caller], expect_errors=True)

    if caller in READERS:
        assert body["data"]["pendingChannelPoints"]["points"] == 10
    else:
        assert error_codes(body) == [denial_code(caller)]
        assert body["data"] is None


async def test_another_brands_admin_sees_no_pending_points_of_ours(gql, scene):
    await import_orders(gql, scene.tokens["partner_import"], [order("T-1", "+8613900000001", "10.00")])

    body = await gql(PENDING, {"phone": "+8613900000001"}, token=scene.tokens["other_admin"])

    assert body["data"]["pendingChannelPoints"]["orders"] == []
