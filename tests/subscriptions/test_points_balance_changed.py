"""pointsBalanceChanged on the embedded default (in-process fan-out): the current balance first,
then each committed change; a rolled-back change publishes nothing."""

from __future__ import annotations

import pytest

from tests.points.support import adjust, record, purchase_input
from tests.subscriptions.support import POINTS_CHANGED, subscribe, ws_client


async def test_member_sees_its_balance_then_each_purchase(app, gql, world):
    # given a member following its own balance
    async with ws_client(app) as ws, subscribe(ws, POINTS_CHANGED, {"memberId": str(world.member_a.id)},
                         token=world.tokens["member"]) as sub:
        first = await sub.next_change()
        assert first == {"memberId": str(world.member_a.id), "balance": 0, "delta": 0, "kind": None,
                         "occurredAt": first["occurredAt"]}
        # when a clerk records a purchase
        accrual = await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-1", "88.50"))
        # then the member hears of the new balance
        change = await sub.next_change()
        assert (change["balance"], change["delta"], change["kind"]) == (88, 88, "EARN")
        assert accrual["balance"] == 88

