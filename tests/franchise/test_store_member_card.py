"""upsertStoreMemberCard: a store manager runs its branch's own member card (one per store)."""

import pytest

from franchise.models import StoreMemberCard

UPSERT_CARD = """
mutation($input: UpsertStoreMemberCardInput!) {
  upsertStoreMemberCard(input: $input) {
    card { id name trialDays discountPercent benefits updatedAt }
    errors { code field message }
  }
}"""
STORE_CARD = "query($id: ID!) { store(id: $id) { code memberCard { id name trialDays discountPercent benefits } } }"


def card_input(store, **values) -> dict:
    return {"input": {"storeId": str(store.id), "name": "Store A Club", "trialDays": 7,
                      "discountPercent": 10, "benefits": ["free coffee"]} | values}


async def test_manager_creates_then_updates_its_store_card_in_one_row(gql, world, audit_trail, manager_a_actor):
    # given
    created = await gql(UPSERT_CARD, card_input(world.store_a), token=world.tokens["manager_a"])
    card_id = created["data"]["upsertStoreMemberCard"]["card"]["id"]

    # when
    updated = await gql(UPSERT_CARD, card_input(world.store_a, name="Store A Club+", discountPercent=15,
                                                benefits=["free coffee", "birthday cake"]),
                        token=world.tokens["manager_a"])

    # then
    card = updated["data"]["upsertStoreMemberCard"]["card"]
    assert updated["data"]["upsertStoreMemberCard"]["errors"] == []
    assert card["id"] == card_id
    assert (card["name"], card["trialDays"], card["discountPercent"]) == ("Store A Club+", 7, 15)
    assert card["benefits"] == ["free coffee", "birthday cake"]
    assert await StoreMemberCard.filter(store_id=world.store_a.id).count() == 1
    shown = await gql(STORE_CARD, {"id": world.store_a.id}, token=world.tokens["clerk_a"])
    assert shown["data"]["store"]["memberCard"] == {
        "id": card_id, "name": "Store A Club+", "trialDays": 7, "discountPercent": 15,
        "benefits": ["free coffee", "birthday cake"],
    }
    first, second = await audit_trail("store_card.upsert", card_id)
    assert first.actor == second.actor == manager_a_actor
    assert first.store_id == world.store_a.id
    assert first.changes == {"name": [None, "Store A Club"], "trialDays": [None, 7],
                             "discountPercent": [None, 10], "benefits": [None, ["free coffee"]]}
    assert second.changes == {"name": ["Store A Club", "Store A Club+"], "discountPercent": [10, 15],
                              "benefits": [["free coffee"], ["free coffee", "birthday cake"]]}


async def test_same_card_again_writes_no_audit_entry(gql, world, audit_trail):
    await gql(UPSERT_CARD, card_input(world.store_a), token=world.tokens["manager_a"])
    await gql(UPSERT_CARD, card_input(world.store_a), token=world.tokens["manager_a"])

    assert len(await audit_trail("store_card.upsert")) == 1


async def test_store_without_a_card_shows_none(gql, world):
    body = await gql(STORE_CARD, {"id": world.store_b.id}, token=world.tokens["hq_operator"])

    assert body["data"]["store"] == {"code": "B", "memberCard": None}


@pytest.mark.parametrize("values, code, field", [
    ({"discountPercent": 91}, "INVALID_INPUT", "discountPercent"),
    ({"discountPercent": -1}, "INVALID_INPUT", "discountPercent"),
    ({"trialDays": -1}, "INVALID_INPUT", "trialDays"),
    ({"trialDays": 3651}, "INVALID_INPUT", "trialDays"),
    ({"name": " "}, "REQUIRED", "name"),
    ({"name": "n" * 101}, "TOO_LONG", "name"),
    ({"benefits": ["b" * 201]}, "TOO_LONG", "benefits"),
])
async def test_card_values_out_of_bounds_are_refused(gql, world, values, code, field):
    body = await gql(UPSERT_CARD, card_input(world.store_a, **values), token=world.tokens["manager_a"])

    payload = body["data"]["upsertStoreMemberCard"]
    assert payload["card"] is None
    assert (payload["errors"][0]["code"], payload["errors"][0]["field"]) == (code, field)
    assert not await StoreMemberCard.exists()


async def test_card_bounds_are_inclusive(gql, world):
    body = await gql(UPSERT_CARD, card_input(world.store_a, discountPercent=90, trialDays=0),
                     token=world.tokens["manager_a"])

    assert body["data"]["upsertStoreMemberCard"]["card"]["discountPercent"] == 90


@pytest.mark.parametrize("caller", ["manager_b", "clerk_a", "hq_operator", "partner", "member"])
async def test_who_may_not_set_store_a_card(gql, world, caller):
    body = await gql(UPSERT_CARD, card_input(world.store_a), token=world.tokens[caller], expect_errors=True)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert not await StoreMemberCard.exists()


async def test_hq_admin_may_set_any_store_card_of_its_brand_only(gql, world):
    own = await gql(UPSERT_CARD, card_input(world.store_b), token=world.tokens["hq_admin"])
    other = await gql(UPSERT_CARD, card_input(world.other_store), token=world.tokens["hq_admin"])

    assert own["data"]["upsertStoreMemberCard"]["errors"] == []
    assert other["data"]["upsertStoreMemberCard"]["errors"][0]["code"] == "STORE_NOT_FOUND"
    assert await StoreMemberCard.filter(store_id=world.other_store.id).count() == 0
