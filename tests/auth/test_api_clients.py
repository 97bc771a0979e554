"""Partner API clients: the key is shown once and kept as a hash; scopes and stores limit it;
revoking stops it at once; every change is audited."""

from __future__ import annotations

import hashlib
import json

from franchise.models import ApiClient, AuditEntry
from tests.factories import next_phone
from tests.auth.helpers import PROTECTED, only_error, payload_error_codes, viewer

CREATE = """
mutation($input: CreateApiClientInput!) {
  createApiClient(input: $input) {
    apiKey apiClient { id name keyPrefix scopes storeIds revokedAt } errors { code field message }
  }
}
"""
REVOKE = """
mutation($id: ID!) {
  revokeApiClient(input: {id: $id}) { apiClient { id revokedAt } errors { code field message } }
}
"""
LIST = "query { apiClients { id name keyPrefix scopes storeIds createdAt revokedAt } }"
REGISTER = """
mutation($input: RegisterMemberInput!) {
  registerMember(input: $input) { member { id homeStore { code } } errors { code field message } }
}
"""


async def create(gql, token: str, scopes: list[str], store_ids: list[int] | None = None, name: str = "POS") -> dict:
    input = {"name": name, "scopes": scopes}
    if store_ids is not None:
        input["storeIds"] = [str(s) for s in store_ids]
    body = await gql(CREATE, {"input": input}, token=token)
    return body["data"]["createApiClient"]


async def revoke(gql, token: str, client_id: str) -> dict:
    return (await gql(REVOKE, {"id": client_id}, token=token))["data"]["revokeApiClient"]


async def register(gql, key: str, store_id: int) -> dict:
    return await gql(
        REGISTER, {"input": {"phone": next_phone(), "homeStoreId": str(store_id), "name": "Partner enrolment"}},
        token=key, expect_errors=True,
    )


async def test_create_returns_the_key_once_and_it_authenticates_with_its_scopes(gql, world):
    created = await create(gql, world.tokens["hq_admin"], ["members:read", "points:earn"])

    assert created["errors"] == []
    key = created["apiKey"]
    assert key.startswith("lk_") and len(key) > 40
    assert created["apiClient"]["scopes"] == ["members:read", "points:earn"]
    assert created["apiClient"]["storeIds"] == []
    assert key.startswith(f"lk_{created['apiClient']['keyPrefix']}_")
    me = await viewer(gql, key)
    assert me["kind"] == "API_CLIENT"
    assert me["scopes"] == ["members:read", "points:earn"]
    assert me["brandId"] == str(world.brand.id)
    assert me["role"] is None and me["credentialError"] is None


async def test_the_row_keeps_only_a_sha256_hash_of_the_key(gql, world):
    created = await create(gql, world.tokens["hq_admin"], ["members:read"])
    key = created["apiKey"]
    secret = key.split("_", 2)[2]

    row = (await ApiClient.filter(id=int(created["apiClient"]["id"])).values())[0]

    assert row["key_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    for column, value in row.items():
        assert key not in str(value), column
        assert secret not in str(value), column


async def test_the_key_is_never_listed_again(gql, world):
    created = await create(gql, world.tokens["hq_admin"], ["members:read"])
    key = created["apiKey"]
    secret = key.split("_", 2)[2]

    listed = await gql(LIST, token=world.tokens["hq_admin"])

    [client] = [c for c in listed["data"]["apiClients"] if c["id"] == created["apiClient"]["id"]]
    assert client["keyPrefix"] == created["apiClient"]["keyPrefix"]
    assert secret not in json.dumps(listed)
    fields = await gql('query { __type(name: "ApiClient") { fields { name } } }')
    names = {f["name"] for f in fields["data"]["__type"]["fields"]}
    assert not names & {"apiKey", "key", "keyHash", "secret", "hash"}


async def test_unknown_scope_is_invalid_scope_and_creates_nothing(gql, world):
    before = await ApiClient.all().count()

    created = await create(gql, world.tokens["hq_admin"], ["members:read", "members:everything"])

    assert created["apiKey"] is None and created["apiClient"] is None
    assert payload_error_codes(created) == ["INVALID_SCOPE"]
    assert created["errors"][0]["field"] == "scopes"
    no_scopes = await create(gql, world.tokens["hq_admin"], [])
    assert payload_error_codes(no_scopes) == ["INVALID_SCOPE"]
    assert await ApiClient.all().count() == before


async def test_store_of_another_brand_cannot_be_given_to_a_client(gql, world):
    created = await create(gql, world.tokens["hq_admin"], ["members:write"], [world.other_store.id])

    assert created["apiKey"] is None
    assert payload_error_codes(created) == ["STORE_NOT_FOUND"]


async def test_store_limited_client_registers_members_in_its_store_only(gql, world):
    created = await create(gql, world.tokens["hq_admin"], ["members:write"], [world.store_a.id])
    key = created["apiKey"]
    assert created["apiClient"]["storeIds"] == [str(world.store_a.id)]

    in_a = await register(gql, key, world.store_a.id)
    assert not in_a.get("errors")
    assert in_a["data"]["registerMember"]["errors"] == []
    assert in_a["data"]["registerMember"]["member"]["homeStore"]["code"] == "A"
    in_b = await register(gql, key, world.store_b.id)
    assert only_error(in_b)["extensions"]["code"] == "FORBIDDEN"
    assert in_b["data"] is None


async def test_brand_wide_client_registers_in_any_store_of_its_brand_only(gql, world):
    key = (await create(gql, world.tokens["hq_admin"], ["members:write"]))["apiKey"]

    for store in (world.store_a, world.store_b):
        body = await register(gql, key, store.id)
        assert body["data"]["registerMember"]["errors"] == []
    other = await register(gql, key, world.other_store.id)
    assert other["data"]["registerMember"]["member"] is None
    assert payload_error_codes(other["data"]["registerMember"]) == ["STORE_NOT_FOUND"]


async def test_scopes_limit_what_a_client_may_do(gql, world):
    reader = (await create(gql, world.tokens["hq_admin"], ["members:read"]))["apiKey"]

    body = await register(gql, reader, world.store_a.id)

    assert only_error(body)["extensions"]["code"] == "FORBIDDEN"


async def test_revoked_key_stops_working_immediately(gql, world):
    created = await create(gql, world.tokens["hq_admin"], ["members:write"])
    key = created["apiKey"]
    assert (await viewer(gql, key))["kind"] == "API_CLIENT"

    revoked = await revoke(gql, world.tokens["hq_admin"], created["apiClient"]["id"])
    assert revoked["errors"] == []
    assert revoked["apiClient"]["revokedAt"] is not None

    me = await viewer(gql, key)
    assert me["kind"] == "ANONYMOUS"
    assert "revoked" in me["credentialError"]
    assert only_error(await gql(PROTECTED, token=key, expect_errors=True))["extensions"]["code"] == "UNAUTHENTICATED"
    after = await register(gql, key, world.store_a.id)
    assert only_error(after)["extensions"]["code"] == "UNAUTHENTICATED"


async def test_revoking_twice_is_already_revoked(gql, world):
    created = await create(gql, world.tokens["hq_admin"], ["members:read"])
    client_id = created["apiClient"]["id"]
    await revoke(gql, world.tokens["hq_admin"], client_id)

    again = await revoke(gql, world.tokens["hq_admin"], client_id)

    assert again["apiClient"] is None
    assert payload_error_codes(again) == ["ALREADY_REVOKED"]


async def test_revoking_one_client_leaves_the_others_working(gql, world):
    first = await create(gql, world.tokens["hq_admin"], ["members:read"], name="POS 1")
    second = await create(gql, world.tokens["hq_admin"], ["members:read"], name="POS 2")

    await revoke(gql, world.tokens["hq_admin"], first["apiClient"]["id"])

    assert (await viewer(gql, second["apiKey"]))["kind"] == "API_CLIENT"


async def test_key_with_right_prefix_and_wrong_secret_is_refused(gql, world):
    created = await create(gql, world.tokens["hq_admin"], ["members:read"])
    prefix = created["apiClient"]["keyPrefix"]

    me = await viewer(gql, f"lk_{prefix}_{'A' * 43}")

    assert me["kind"] == "ANONYMOUS"
    assert me["credentialError"]


async def test_another_brands_admin_cannot_revoke_or_list_the_client(gql, world):
    created = await create(gql, world.tokens["hq_admin"], ["members:read"])

    result = await revoke(gql, world.tokens["other_admin"], created["apiClient"]["id"])

    assert payload_error_codes(result) == ["NOT_FOUND"]
    listed = await gql(LIST, token=world.tokens["other_admin"])
    assert created["apiClient"]["id"] not in {c["id"] for c in listed["data"]["apiClients"]}
    assert (await viewer(gql, created["apiKey"]))["kind"] == "API_CLIENT"


async def test_only_hq_admin_creates_and_revokes_clients(gql, world):
    created = await create(gql, world.tokens["hq_admin"], ["members:read"])
    for caller in ("hq_operator", "manager_a", "clerk_a", "partner", "member", "anonymous"):
        expected = "UNAUTHENTICATED" if caller == "anonymous" else "FORBIDDEN"
        body = await gql(
            CREATE, {"input": {"name": "x", "scopes": ["members:read"]}}, token=world.tokens[caller],
            expect_errors=True,
        )
        assert only_error(body)["extensions"]["code"] == expected, caller
        body = await gql(REVOKE, {"id": created["apiClient"]["id"]}, token=world.tokens[caller], expect_errors=True)
        assert only_error(body)["extensions"]["code"] == expected, caller
    assert (await viewer(gql, created["apiKey"]))["kind"] == "API_CLIENT"


async def test_create_and_revoke_are_audited_without_the_key(gql, world):
    created = await create(gql, world.tokens["hq_admin"], ["members:read"], [world.store_a.id], name="Till")
    client_id = created["apiClient"]["id"]
    await revoke(gql, world.tokens["hq_admin"], client_id)

    entries = await AuditEntry.filter(object_type="ApiClient", object_id=client_id).order_by("id")

    assert [e.action for e in entries] == ["api_client.create", "api_client.revoke"]
    assert {e.actor for e in entries} == {f"staff:{world.admin.id}"}
    assert {e.brand_id for e in entries} == {world.brand.id}
    assert entries[0].changes["name"] == [None, "Till"]
    assert entries[0].changes["scopes"] == [None, ["members:read"]]
    assert entries[0].changes["storeIds"] == [None, [world.store_a.id]]
    assert entries[1].changes == {"revoked": [False, True]}
    secret = created["apiKey"].split("_", 2)[2]
    assert all(secret not in json.dumps(e.changes) for e in entries)
