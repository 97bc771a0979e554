"""transferMember: HQ moves a member to another home store; audited; store access follows at once."""

import pytest

from domain.members.models import Member
from franchise.models import AuditEntry
from tests.members.support import error_codes

TRANSFER = """
mutation($input: TransferMemberInput!) {
  transferMember(input: $input) { member { id homeStore { code } } errors { code field } }
}
"""
MEMBER = "query($id: ID!) { member(id: $id) { id homeStore { code } } }"
PAGE = "{ members(first: 50) { edges { node { id } } } }"


async def transfer(gql, token, member_id, store_id, reason="Moved to Hangzhou", expect_errors=False):
    body = await gql(TRANSFER, {"input": {"memberId": member_id, "homeStoreId": store_id, "reason": reason}},
                     token=token, expect_errors=expect_errors)
    return body if expect_errors else body["data"]["transferMember"]


async def test_hq_admin_transfer_changes_the_home_store_and_writes_an_audit_entry(gql, world):
    payload = await transfer(gql, world.tokens["hq_admin"], world.member_a.id, world.store_b.id)

    assert payload["errors"] == []
    assert payload["member"]["homeStore"]["code"] == "B"
    assert (await Member.get(id=world.member_a.id)).home_store_id == world.store_b.id
    entries = await AuditEntry.filter(action="member.transfer", object_id=str(world.member_a.id))
    assert len(entries) == 1
    entry = entries[0]
    assert entry.brand_id == world.brand.id
    assert entry.actor == f"staff:{world.admin.id}"
    assert entry.object_type == "Member"
    assert entry.changes["homeStoreId"] == [world.store_a.id, world.store_b.id]
    assert entry.changes["reason"] == "Moved to Hangzhou"


async def test_transfer_to_the_same_store_is_refused_with_same_store_and_not_audited(gql, world):
    payload = await transfer(gql, world.tokens["hq_admin"], world.member_a.id, world.store_a.id)

    assert payload["member"] is None
    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("SAME_STORE", "homeStoreId")]
    assert not await AuditEntry.filter(action="member.transfer").exists()


async def test_after_transfer_old_store_manager_loses_access_and_new_one_gains_it_at_once(gql, world):
    member_id = world.member_a.id
    old, new = world.tokens["manager_a"], world.tokens["manager_b"]
    # given store A's manager reads the member and store B's manager may not
    assert (await gql(MEMBER, {"id": member_id}, token=old))["data"]["member"]["homeStore"]["code"] == "A"
    assert error_codes(await gql(MEMBER, {"id": member_id}, token=new, expect_errors=True)) == ["FORBIDDEN"]

    # when HQ moves the member to store B
    assert (await transfer(gql, world.tokens["hq_admin"], member_id, world.store_b.id))["errors"] == []

    # then, with the same tokens, the old manager is refused and the new one reads it and lists it
    assert error_codes(await gql(MEMBER, {"id": member_id}, token=old, expect_errors=True)) == ["FORBIDDEN"]
    assert (await gql(MEMBER, {"id": member_id}, token=new))["data"]["member"]["homeStore"]["code"] == "B"
    old_list = {e["node"]["id"] for e in (await gql(PAGE, token=old))["data"]["members"]["edges"]}
    new_list = {e["node"]["id"] for e in (await gql(PAGE, token=new))["data"]["members"]["edges"]}
    assert str(member_id) not in old_list
    assert str(member_id) in new_list


@pytest.mark.parametrize("caller", ["hq_operator", "manager_a", "clerk_a", "partner", "member"])
async def test_only_hq_admin_may_transfer_a_member(gql, world, caller):
    body = await transfer(gql, world.tokens[caller], world.member_a.id, world.store_b.id, expect_errors=True)

    assert error_codes(body) == ["FORBIDDEN"]
    assert (await Member.get(id=world.member_a.id)).home_store_id == world.store_a.id
    assert not await AuditEntry.filter(action="member.transfer").exists()


@pytest.mark.parametrize("member", ["missing", "other_brand"])
async def test_transfer_of_an_unknown_member_is_refused_with_member_not_found(gql, world, member):
    member_id = 987654 if member == "missing" else world.other_member.id

    payload = await transfer(gql, world.tokens["hq_admin"], member_id, world.store_b.id)

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("MEMBER_NOT_FOUND", "memberId")]
    assert (await Member.get(id=world.other_member.id)).home_store_id == world.other_store.id


async def test_transfer_to_another_brands_store_is_refused_with_store_not_found(gql, world):
    payload = await transfer(gql, world.tokens["hq_admin"], world.member_a.id, world.other_store.id)

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("STORE_NOT_FOUND", "homeStoreId")]
    assert (await Member.get(id=world.member_a.id)).home_store_id == world.store_a.id


async def test_transfer_needs_a_reason(gql, world):
    payload = await transfer(gql, world.tokens["hq_admin"], world.member_a.id, world.store_b.id, reason="  ")

    assert [(e["code"], e["field"]) for e in payload["errors"]] == [("REQUIRED", "reason")]
    assert (await Member.get(id=world.member_a.id)).home_store_id == world.store_a.id
