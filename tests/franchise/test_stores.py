"""createStore / updateStore: HQ admin opens and edits stores; every change is audited."""

from franchise.models import Store

STORE_FIELDS = "id code name city address tags active"
CREATE_STORE = f"""
mutation($input: CreateStoreInput!) {{
  createStore(input: $input) {{ store {{ {STORE_FIELDS} }} errors {{ code field message }} }}
}}"""
UPDATE_STORE = f"""
mutation($input: UpdateStoreInput!) {{
  updateStore(input: $input) {{ store {{ {STORE_FIELDS} }} errors {{ code field message }} }}
}}"""


async def test_hq_admin_creates_store_with_normalised_tags_and_audit_entry(gql, world, audit_trail):
    # when
    body = await gql(CREATE_STORE, {"input": {
        "code": "SZ01", "name": "  Shenzhen Nanshan ", "city": "Shenzhen", "address": "1 Keji Rd",
        "tags": ["mall", "flagship", "mall", " new "],
    }}, token=world.tokens["hq_admin"])

    # then
    payload = body["data"]["createStore"]
    assert payload["errors"] == []
    store = payload["store"]
    assert store == {
        "id": store["id"], "code": "SZ01", "name": "Shenzhen Nanshan", "city": "Shenzhen",
        "address": "1 Keji Rd", "tags": ["flagship", "mall", "new"], "active": True,
    }
    saved = await Store.get(id=store["id"])
    assert saved.brand_id == world.brand.id
    [entry] = await audit_trail("store.create", store["id"])
    assert entry.actor == f"staff:{world.admin.id}"
    assert entry.brand_id == world.brand.id and entry.store_id == saved.id
    assert entry.changes["code"] == [None, "SZ01"]
    assert entry.changes["tags"] == [None, ["flagship", "mall", "new"]]


async def test_create_store_with_a_code_the_brand_uses_is_store_code_taken(gql, world, audit_trail):
    body = await gql(CREATE_STORE, {"input": {"code": "A", "name": "Again", "city": "Shanghai"}},
                     token=world.tokens["hq_admin"])

    assert body["data"]["createStore"]["store"] is None
    assert body["data"]["createStore"]["errors"][0]["code"] == "STORE_CODE_TAKEN"
    assert body["data"]["createStore"]["errors"][0]["field"] == "code"
    assert await Store.filter(brand_id=world.brand.id).count() == 2


async def test_another_brand_may_reuse_a_store_code(gql, world):
    # "A" is a code of acme; rival has an "A" as well, so try a code only acme has.
    body = await gql(CREATE_STORE, {"input": {"code": "B", "name": "Rival B", "city": "Suzhou"}},
                     token=world.tokens["other_admin"])

    assert body["data"]["createStore"]["errors"] == []
    assert body["data"]["createStore"]["store"]["code"] == "B"


async def test_create_store_refuses_oversized_name_and_missing_city(gql, world):
    too_long = await gql(CREATE_STORE, {"input": {"code": "X1", "name": "n" * 101, "city": "Wuxi"}},
                         token=world.tokens["hq_admin"])
    blank_city = await gql(CREATE_STORE, {"input": {"code": "X1", "name": "Wuxi", "city": "  "}},
                           token=world.tokens["hq_admin"])

    assert too_long["data"]["createStore"]["errors"][0] | {"message": None} == {
        "code": "TOO_LONG", "field": "name", "message": None}
    assert blank_city["data"]["createStore"]["errors"][0]["code"] == "REQUIRED"
    assert await Store.filter(code="X1").count() == 0


async def test_only_hq_admin_creates_stores(gql, world):
    for caller in ("hq_operator", "manager_a", "clerk_a", "member", "partner"):
        body = await gql(CREATE_STORE, {"input": {"code": "Z", "name": "Z", "city": "Z"}},
                         token=world.tokens[caller], expect_errors=True)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", caller
    body = await gql(CREATE_STORE, {"input": {"code": "Z", "name": "Z", "city": "Z"}}, expect_errors=True)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert not await Store.filter(code="Z").exists()


async def test_hq_admin_updates_store_and_audit_records_old_and_new(gql, world, audit_trail):
    # when
    body = await gql(UPDATE_STORE, {"input": {
        "id": world.store_a.id, "name": "Store A (renovated)", "tags": ["b", "a", "b"], "active": False,
    }}, token=world.tokens["hq_admin"])

    # then
    payload = body["data"]["updateStore"]
    assert payload["errors"] == []
    assert payload["store"]["name"] == "Store A (renovated)"
    assert payload["store"]["tags"] == ["a", "b"]
    assert payload["store"]["active"] is False
    assert payload["store"]["city"] == "Shanghai"  # untouched
    [entry] = await audit_trail("store.update", world.store_a.id)
    assert entry.actor == f"staff:{world.admin.id}"
    assert entry.changes == {
        "name": ["Store A", "Store A (renovated)"], "tags": [[], ["a", "b"]], "active": [True, False],
    }


async def test_update_that_changes_nothing_writes_no_audit_entry(gql, world, audit_trail):
    body = await gql(UPDATE_STORE, {"input": {"id": world.store_a.id, "name": "Store A", "city": "Shanghai"}},
                     token=world.tokens["hq_admin"])

    assert body["data"]["updateStore"]["errors"] == []
    assert await audit_trail("store.update") == []


async def test_update_store_errors(gql, world):
    unknown = await gql(UPDATE_STORE, {"input": {"id": "999999", "name": "Ghost"}},
                        token=world.tokens["hq_admin"])
    other_brand = await gql(UPDATE_STORE, {"input": {"id": world.other_store.id, "name": "Mine"}},
                            token=world.tokens["hq_admin"])
    too_long = await gql(UPDATE_STORE, {"input": {"id": world.store_a.id, "address": "x" * 256}},
                         token=world.tokens["hq_admin"])

    assert unknown["data"]["updateStore"]["errors"][0]["code"] == "STORE_NOT_FOUND"
    # Another brand's store does not exist for this caller.
    assert other_brand["data"]["updateStore"]["errors"][0]["code"] == "STORE_NOT_FOUND"
    assert (await Store.get(id=world.other_store.id)).name == "Store A"
    assert too_long["data"]["updateStore"]["errors"][0] | {"message": None} == {
        "code": "TOO_LONG", "field": "address", "message": None}


async def test_store_manager_cannot_update_even_its_own_store(gql, world):
    body = await gql(UPDATE_STORE, {"input": {"id": world.store_a.id, "name": "Mine now"}},
                     token=world.tokens["manager_a"], expect_errors=True)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await Store.get(id=world.store_a.id)).name == "Store A"
