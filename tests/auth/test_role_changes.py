"""HQ changes a role or store and it applies to the staff's very next request, same token."""

from __future__ import annotations

from franchise.models import AuditEntry
from policies import Role
from tests.factories import make_staff
from tests.auth.helpers import only_error, payload_error_codes, viewer

UPDATE_ROLE = """
mutation($input: UpdateStaffRoleInput!) {
  updateStaffRole(input: $input) { staff { id role active store { code } } errors { code field message } }
}
"""
UPSERT_CARD = """
mutation($storeId: ID!) {
  upsertStoreMemberCard(input: {storeId: $storeId, name: "Branch card", discountPercent: 5}) {
    card { id name } errors { code message }
  }
}
"""


async def update_role(gql, token: str, **input) -> dict:
    body = await gql(UPDATE_ROLE, {"input": input}, token=token)
    return body["data"]["updateStaffRole"]


async def upsert_card(gql, token: str, store_id: int) -> dict:
    return await gql(UPSERT_CARD, {"storeId": str(store_id)}, token=token, expect_errors=True)


async def test_clerk_promoted_to_manager_of_another_store_gets_it_with_the_same_token(gql, tokens, world):
    clerk = await make_staff(world.admin, Role.STORE_CLERK, world.store_a)
    clerk_token = tokens.issue(kind="staff", subject_id=clerk.id, brand_id=world.brand.id)
    before = await viewer(gql, clerk_token)
    assert (before["role"], before["store"]["code"]) == ("STORE_CLERK", "A")
    # A clerk may not run the branch member card, not even of its own store.
    assert only_error(await upsert_card(gql, clerk_token, world.store_a.id))["extensions"]["code"] == "FORBIDDEN"

    result = await update_role(
        gql, world.tokens["hq_admin"], staffId=str(clerk.id), role="STORE_MANAGER", storeId=str(world.store_b.id)
    )
    assert result["errors"] == []
    assert (result["staff"]["role"], result["staff"]["store"]["code"]) == ("STORE_MANAGER", "B")

    after = await viewer(gql, clerk_token)
    assert (after["kind"], after["role"], after["store"]["code"]) == ("STAFF", "STORE_MANAGER", "B")
    at_new_store = await upsert_card(gql, clerk_token, world.store_b.id)
    assert not at_new_store.get("errors")
    assert at_new_store["data"]["upsertStoreMemberCard"]["errors"] == []
    assert at_new_store["data"]["upsertStoreMemberCard"]["card"]["name"] == "Branch card"
    at_old_store = await upsert_card(gql, clerk_token, world.store_a.id)
    assert only_error(at_old_store)["extensions"]["code"] == "FORBIDDEN"
    assert at_old_store["data"] is None


async def test_role_change_is_audited(gql, tokens, world):
    clerk = await make_staff(world.admin, Role.STORE_CLERK, world.store_a)

    await update_role(
        gql, world.tokens["hq_admin"], staffId=str(clerk.id), role="STORE_MANAGER", storeId=str(world.store_b.id)
    )

    entry = await AuditEntry.get(action="staff.update_role", object_id=str(clerk.id))
    assert entry.actor == f"staff:{world.admin.id}"
    assert entry.changes["role"] == ["store_clerk", "store_manager"]
    assert entry.changes["storeId"] == [world.store_a.id, world.store_b.id]


async def test_moving_manager_to_hq_role_drops_the_store_at_once(gql, tokens, world):
    manager = await make_staff(world.admin, Role.STORE_MANAGER, world.store_a)
    token = tokens.issue(kind="staff", subject_id=manager.id, brand_id=world.brand.id)

    result = await update_role(gql, world.tokens["hq_admin"], staffId=str(manager.id), role="HQ_OPERATOR")

    assert result["errors"] == []
    me = await viewer(gql, token)
    assert (me["role"], me["store"]) == ("HQ_OPERATOR", None)
    stores = await gql("query { stores { code } }", token=token)
    assert [s["code"] for s in stores["data"]["stores"]] == ["A", "B"]


async def test_staff_cannot_demote_or_deactivate_themselves(gql, world):
    admin_token = world.tokens["hq_admin"]

    demote = await update_role(gql, admin_token, staffId=str(world.admin.id), role="HQ_OPERATOR")
    assert demote["staff"] is None
    assert payload_error_codes(demote) == ["INVALID_INPUT"]
    deactivate = await update_role(gql, admin_token, staffId=str(world.admin.id), active=False)
    assert payload_error_codes(deactivate) == ["INVALID_INPUT"]
    into_store = await update_role(
        gql, admin_token, staffId=str(world.admin.id), role="STORE_MANAGER", storeId=str(world.store_a.id)
    )
    assert payload_error_codes(into_store) == ["INVALID_INPUT"]

    me = await viewer(gql, admin_token)
    assert (me["kind"], me["role"]) == ("STAFF", "HQ_ADMIN")


async def test_only_hq_admin_changes_roles(gql, tokens, world):
    clerk = await make_staff(world.admin, Role.STORE_CLERK, world.store_a)
    for caller in ("manager_a", "hq_operator", "clerk_a", "partner", "member"):
        body = await gql(
            UPDATE_ROLE, {"input": {"staffId": str(clerk.id), "role": "STORE_MANAGER"}},
            token=world.tokens[caller], expect_errors=True,
        )
        assert only_error(body)["extensions"]["code"] == "FORBIDDEN", caller
    # A manager cannot promote itself either.
    manager_id = tokens.decode(world.tokens["manager_a"])[1]
    body = await gql(
        UPDATE_ROLE, {"input": {"staffId": str(manager_id), "role": "HQ_ADMIN"}},
        token=world.tokens["manager_a"], expect_errors=True,
    )
    assert only_error(body)["extensions"]["code"] == "FORBIDDEN"
    assert (await viewer(gql, world.tokens["manager_a"]))["role"] == "STORE_MANAGER"


async def test_another_brands_admin_cannot_touch_this_brands_staff(gql, tokens, world):
    clerk = await make_staff(world.admin, Role.STORE_CLERK, world.store_a)
    clerk_token = tokens.issue(kind="staff", subject_id=clerk.id, brand_id=world.brand.id)

    result = await update_role(gql, world.tokens["other_admin"], staffId=str(clerk.id), active=False)

    assert payload_error_codes(result) == ["STAFF_NOT_FOUND"]
    assert (await viewer(gql, clerk_token))["role"] == "STORE_CLERK"

