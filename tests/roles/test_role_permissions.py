from franchise.models import AuditEntry, StoreMemberCard
from tests.factories import make_staff, make_world
from policies import Role

GRANT = """mutation($role: Role!, $object: String!, $action: String!) {
  grantRolePermission(input: {role: $role, object: $object, action: $action}) {
    permission { role scope object action } errors { code field } } }"""
REVOKE = """mutation($role: Role!, $object: String!, $action: String!) {
  revokeRolePermission(input: {role: $role, object: $object, action: $action}) { revoked errors { code } } }"""
UPSERT_CARD = """mutation($store: ID!) {
  upsertStoreMemberCard(input: {storeId: $store, name: "Clerk card"}) { card { name } errors { code } } }"""
CARD_GRANT = {"role": "STORE_CLERK", "object": "store_card", "action": "write"}


async def test_hq_admin_grant_applies_at_once_to_its_brand_only(gql, tokens):
    # given a clerk who may not manage the store card
    world = await make_world(tokens)
    denied = await gql(UPSERT_CARD, {"store": world.store_a.id}, token=world.tokens["clerk_a"], expect_errors=True)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    # when HQ grants store clerks that permission in its brand
    granted = await gql(GRANT, CARD_GRANT, token=world.tokens["hq_admin"])

    # then the clerk's next request may, and the rule is the brand's own
    assert granted["data"]["grantRolePermission"]["permission"]["scope"] == f"brand:{world.brand.id}"
    done = await gql(UPSERT_CARD, {"store": world.store_a.id}, token=world.tokens["clerk_a"])
    assert done["data"]["upsertStoreMemberCard"]["card"]["name"] == "Clerk card"
    # ...still only in its own store
    other_store = await gql(UPSERT_CARD, {"store": world.store_b.id}, token=world.tokens["clerk_a"], expect_errors=True)
    assert other_store["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # and a clerk of another brand gains nothing
    rival_clerk = await make_staff(world.other_admin, Role.STORE_CLERK, world.other_store)
    rival_token = tokens.issue(kind="staff", subject_id=rival_clerk.id, brand_id=world.other_brand.id)
    rival = await gql(UPSERT_CARD, {"store": world.other_store.id}, token=rival_token, expect_errors=True)
    assert rival["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_revoking_a_grant_takes_the_permission_back(gql, tokens):
    world = await make_world(tokens)
    await gql(GRANT, CARD_GRANT, token=world.tokens["hq_admin"])

    revoked = await gql(REVOKE, CARD_GRANT, token=world.tokens["hq_admin"])

    assert revoked["data"]["revokeRolePermission"] == {"revoked": True, "errors": []}
    denied = await gql(UPSERT_CARD, {"store": world.store_a.id}, token=world.tokens["clerk_a"], expect_errors=True)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await StoreMemberCard.all().count() == 0
    actions = await AuditEntry.filter(object_type="RolePermission").values_list("action", flat=True)
    assert sorted(actions) == ["policy.grant", "policy.revoke"]


async def test_hq_admin_only_powers_cannot_be_granted(gql, tokens):
    world = await make_world(tokens)

    for obj, act in [("points.rules", "update"), ("staff", "update_role"), ("*", "*"), ("member", "*")]:
        body = await gql(GRANT, {"role": "HQ_OPERATOR", "object": obj, "action": act}, token=world.tokens["hq_admin"])
        assert body["data"]["grantRolePermission"]["errors"][0]["code"] == "RESERVED_PERMISSION", (obj, act)


async def test_only_hq_admin_changes_role_permissions(gql, tokens):
    world = await make_world(tokens)

    for caller in ("hq_operator", "manager_a", "clerk_a", "partner", "member"):
        body = await gql(GRANT, CARD_GRANT, token=world.tokens[caller], expect_errors=True)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", caller
    anonymous = await gql(GRANT, CARD_GRANT, expect_errors=True)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_audit_log_is_hq_admins_and_shows_who_changed_what(gql, tokens):
    world = await make_world(tokens)
    query = "{ auditLog(first: 50, action: \"store.create\") { totalCount edges { node { actor action changes } } } }"

    body = await gql(query, token=world.tokens["hq_admin"])

    log = body["data"]["auditLog"]
    assert log["totalCount"] == 2  # stores A and B of this brand, not the rival's
    assert {e["node"]["actor"] for e in log["edges"]} == {f"staff:{world.admin.id}"}
    assert log["edges"][-1]["node"]["changes"]["code"] == [None, "A"]
    for caller in ("hq_operator", "manager_a"):
        denied = await gql(query, token=world.tokens[caller], expect_errors=True)
        assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
