"""Found by the fuzzer: `_entities` with a representation of an unknown type, or with keys the
entity is not looked up by, was an internal error (Strawberry raises KeyError / TypeError).
It is the caller's mistake: BAD_USER_INPUT, and valid representations still resolve."""

from __future__ import annotations

import pytest

ENTITIES = """query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Member { id } ... on Store { code } } }"""


@pytest.mark.parametrize("representation", [
    {"__typename": "Nope", "id": "1"},
    {"__typename": "Viewer", "id": "1"},
    {"__typename": "Member", "sku": "1"},
    {"__typename": "Member"},
    {"id": "1"},
], ids=["unknown type", "not an entity", "wrong key", "no key", "no typename"])
async def test_a_bad_representation_is_bad_user_input(gql, world, representation):
    body = await gql(ENTITIES, {"representations": [representation]}, token=world.tokens["hq_admin"],
                     expect_errors=True)

    assert [e["extensions"]["code"] for e in body["errors"]] == ["BAD_USER_INPUT"]
    assert body["data"] is None


async def test_valid_representations_still_resolve(gql, world):
    body = await gql(ENTITIES, {"representations": [
        {"__typename": "Member", "id": str(world.member_a.id)}, {"__typename": "Store", "id": str(world.store_a.id)},
    ]}, token=world.tokens["hq_admin"])

    assert body["data"]["_entities"] == [{"id": str(world.member_a.id)}, {"code": world.store_a.code}]
