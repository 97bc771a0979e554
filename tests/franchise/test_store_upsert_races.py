"""Concurrent first-time upserts of a store's card and prices land as one row, no error."""

import asyncio

from franchise.models import StoreMemberCard, StoreMemberPrice
from tests.factories import make_world

CARD = """mutation($store: ID!, $name: String!) {
  upsertStoreMemberCard(input: {storeId: $store, name: $name}) { card { id } errors { code } } }"""
PRICE = """mutation($store: ID!, $price: Decimal!) {
  setStoreMemberPrice(input: {storeId: $store, sku: "CAKE-1", price: $price}) { price { price } errors { code } } }"""


async def test_twenty_simultaneous_card_upserts_leave_one_card(gql, tokens):
    world = await make_world(tokens)

    bodies = await asyncio.gather(*(
        gql(CARD, {"store": world.store_a.id, "name": f"Card {i}"}, token=world.tokens["manager_a"])
        for i in range(20)
    ))

    assert all(b["data"]["upsertStoreMemberCard"]["errors"] == [] for b in bodies)
    assert await StoreMemberCard.filter(store_id=world.store_a.id).count() == 1


async def test_twenty_simultaneous_price_sets_leave_one_price(gql, tokens):
    world = await make_world(tokens)

    bodies = await asyncio.gather(*(
        gql(PRICE, {"store": world.store_a.id, "price": f"{10 + i}.50"}, token=world.tokens["manager_a"])
        for i in range(20)
    ))

    assert all(b["data"]["setStoreMemberPrice"]["errors"] == [] for b in bodies)
    rows = await StoreMemberPrice.filter(store_id=world.store_a.id, sku="CAKE-1")
    assert len(rows) == 1
