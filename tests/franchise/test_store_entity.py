"""Store as a federation entity: `_entities` applies the same permissions as `store(id:)`."""

STORE_ENTITIES = """
query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Store { id code city } } }"""


def store_ref(store) -> dict:
    return {"__typename": "Store", "id": str(store.id)}


async def test_hq_resolves_stores_of_its_brand(gql, world):
    body = await gql(STORE_ENTITIES, {"reps": [store_ref(world.store_a), store_ref(world.store_b)]},
                     token=world.tokens["hq_operator"])

    assert body["data"]["_entities"] == [
        {"id": str(world.store_a.id), "code": "A", "city": "Shanghai"},
        {"id": str(world.store_b.id), "code": "B", "city": "Hangzhou"},
    ]


async def test_store_manager_resolves_its_own_store_only(gql, world):
    own = await gql(STORE_ENTITIES, {"reps": [store_ref(world.store_b)]}, token=world.tokens["manager_b"])
    other = await gql(STORE_ENTITIES, {"reps": [store_ref(world.store_a)]}, token=world.tokens["manager_b"],
                      expect_errors=True)

    assert own["data"]["_entities"] == [{"id": str(world.store_b.id), "code": "B", "city": "Hangzhou"}]
    assert other["data"]["_entities"] == [None]
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "Store A" not in str(other["errors"])


async def test_another_brands_store_resolves_to_null(gql, world):
    body = await gql(STORE_ENTITIES, {"reps": [store_ref(world.other_store)]}, token=world.tokens["hq_admin"])

    assert body["data"]["_entities"] == [None]


async def test_anonymous_caller_is_unauthenticated(gql, world):
    body = await gql(STORE_ENTITIES, {"reps": [store_ref(world.store_a)]}, expect_errors=True)

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
