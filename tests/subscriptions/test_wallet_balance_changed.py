"""walletBalanceChanged: the member's wallet (principal + bonus) as it is, then each committed
top-up and payment; staff who may not read the member are refused before any event."""

from __future__ import annotations

from tests.subscriptions.support import subscribe, ws_client
from tests.wallet.support import PAY, TOP_UP

WALLET_CHANGED = """subscription($memberId: ID!) {
  walletBalanceChanged(memberId: $memberId) { memberId balance delta kind occurredAt } }"""


def _change(message: dict) -> dict:
    assert message["type"] == "next" and not message["payload"].get("errors"), message
    return message["payload"]["data"]["walletBalanceChanged"]


async def test_member_sees_its_wallet_then_a_top_up_and_a_payment(app, gql, world):
    member, store = str(world.member_a.id), str(world.store_a.id)
    async with ws_client(app) as ws, subscribe(ws, WALLET_CHANGED, {"memberId": member},
                                               token=world.tokens["member"]) as sub:
        first = _change(await sub.next_message())
        assert (first["balance"], first["delta"], first["kind"]) == ("0.00", "0.00", None)

        topped = await gql(TOP_UP, {"input": {"memberId": member, "storeId": store, "amount": "200.00",
                                              "paymentReference": "pay-ref-1"}}, token=world.tokens["clerk_a"])
        assert topped["data"]["topUpWallet"]["errors"] == []
        change = _change(await sub.next_message())
        assert (change["balance"], change["delta"], change["kind"]) == ("200.00", "200.00", "TOP_UP")

        paid = await gql(PAY, {"input": {"memberId": member, "storeId": store, "amount": "35.50",
                                         "orderId": "order-1"}}, token=world.tokens["clerk_a"])
        assert paid["data"]["payWithWallet"]["errors"] == []
        change = _change(await sub.next_message())
        assert (change["balance"], change["delta"], change["kind"]) == ("164.50", "-35.50", "PAY")

        # a refused payment changes nothing and announces nothing
        refused = await gql(PAY, {"input": {"memberId": member, "storeId": store, "amount": "999.00",
                                            "orderId": "order-2"}}, token=world.tokens["clerk_a"])
        assert refused["data"]["payWithWallet"]["errors"][0]["code"] == "INSUFFICIENT_BALANCE"
        assert await sub.nothing_within(0.3)


async def test_a_manager_of_another_store_cannot_follow_the_wallet(app, world):
    async with ws_client(app) as ws, subscribe(ws, WALLET_CHANGED, {"memberId": str(world.member_a.id)},
                                               token=world.tokens["manager_b"]) as sub:
        message = await sub.next_message()
        assert message["type"] == "error", message
        assert message["payload"][0]["extensions"]["code"] == "FORBIDDEN"
