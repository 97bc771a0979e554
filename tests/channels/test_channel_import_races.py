"""Two partners importing overlapping batches at the same moment credit each order once
(PostgreSQL: real concurrent transactions racing for account locks and the unique index)."""

from __future__ import annotations

import asyncio

from domain.channels.models import ChannelOrder
from domain.points.models import Purchase
from domain.channels.verify import verify_channel_orders
from domain.points.verify import verify_ledgers
from tests.channels.support import IMPORT, balance_of, order
from tests.conftest import requires_postgres
from tests.factories import make_api_client, make_member
from tests.points.support import error_codes


@requires_postgres
async def test_two_partners_importing_overlapping_batches_at_once_credit_each_order_once(gql, world):
    # given five members and two partners whose batches share 300 of their 400 orders
    members = [await make_member(world.brand, world.store_a, phone=f"+86139000000{i:02d}") for i in range(5)]
    phones = [m.phone for m in members] + [f"+86139100000{i:02d}" for i in range(5)]  # half unmatched
    keys = [await make_api_client(world.admin, ["orders:import"]) for _ in range(2)]
    every = [order(f"T-{n}", phones[n % 10], "10.00") for n in range(500)]
    batches = [every[:400], every[100:]]

    # when both send them at once, three times over
    bodies = await asyncio.gather(*(gql(IMPORT, {"input": {"channel": "TMALL", "orders": batch}}, token=key,
                                        expect_errors=True)
                                    for _ in range(3) for key, batch in zip(keys, batches)))

    # then no call failed, each order was credited or held exactly once
    assert [error_codes(b) for b in bodies if b.get("errors")] == []
    payloads = [b["data"]["importChannelOrders"] for b in bodies]
    assert sum(p["accepted"] + p["pending"] for p in payloads) == 500
    assert sum(p["duplicates"] for p in payloads) == 6 * 400 - 500
    assert await ChannelOrder.all().count() == 500
    assert await Purchase.all().count() == 250
    for member in members:
        assert await balance_of(member.id) == 50 * 10
    assert await verify_ledgers() == []
    assert await verify_channel_orders() == []
