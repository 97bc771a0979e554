"""Who may follow member A's points balance: whoever may read member A's points (the member
itself, store A's staff, HQ, a partner that reads members). Everyone else gets one error message
with the code a query would get, and no event."""

from __future__ import annotations

import pytest

from tests.authorization.conftest import CALLERS
from tests.subscriptions.support import POINTS_CHANGED, subscribe, ws_client

ALLOWED = {"member", "clerk_a", "manager_a", "hq_operator", "hq_admin", "partner"}
# manager_b: member A's home store is not its store; other_admin: member A is not in its brand,
# so for that brand-wide caller it does not exist.
DENIED = {"anonymous": "UNAUTHENTICATED", "manager_b": "FORBIDDEN", "other_admin": "MEMBER_NOT_FOUND"}


def test_every_caller_is_classified():
    assert ALLOWED | set(DENIED) == set(CALLERS)


@pytest.mark.parametrize("caller", CALLERS)
async def test_points_balance_changed_by_caller(app, world, caller):
    async with ws_client(app) as ws, subscribe(ws, POINTS_CHANGED, {"memberId": str(world.member_a.id)},
                                              token=world.tokens[caller]) as sub:
        message = await sub.next_message()
    if caller in ALLOWED:
        assert message["type"] == "next" and "errors" not in message["payload"], message
        assert message["payload"]["data"]["pointsBalanceChanged"]["balance"] == 0
    else:
        codes = [e.get("extensions", {}).get("code") for e in _errors(message)]
        assert codes == [DENIED[caller]], message
        assert "Han Meimei" not in str(message)


def _errors(message: dict) -> list[dict]:
    if message["type"] == "error":
        return message["payload"]
    assert message["type"] == "next", message
    return message["payload"]["errors"]


async def test_a_member_may_not_follow_another_member(app, world):
    async with ws_client(app) as ws, subscribe(ws, POINTS_CHANGED, {"memberId": str(world.member_b.id)},
                                              token=world.tokens["member"]) as sub:
        message = await sub.next_message()
    assert [e["extensions"]["code"] for e in _errors(message)] == ["FORBIDDEN"]


async def test_credential_may_come_as_a_header(app, world):
    async with ws_client(app) as ws, subscribe(ws, POINTS_CHANGED, {"memberId": str(world.member_a.id)},
                                              token=world.tokens["clerk_a"], in_init=False) as sub:
        assert (await sub.next_change())["balance"] == 0
