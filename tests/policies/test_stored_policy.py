"""Rules live in the database: a brand's own rule applies once the enforcer reloads, to that
brand only; the platform defaults are re-synced from the shipped file at start-up."""

from __future__ import annotations

from policies import Principal, Role, enforcer, may
from policies.storage import CasbinRule, default_rules, sync_default_policy
from tests.factories import make_brand, make_staff, make_store

UPSERT_CARD = """
mutation($storeId: ID!) {
  upsertStoreMemberCard(input: {storeId: $storeId, name: "Clerk card"}) { card { name } errors { code } }
}
"""


def clerk(brand_id: int, store_id: int = 1) -> Principal:
    return Principal.staff(staff_id=1, brand_id=brand_id, role=Role.STORE_CLERK, store_id=store_id)


async def grant(brand_id: int, role: str, obj: str, act: str) -> CasbinRule:
    return await CasbinRule.create(ptype="p", v0=role, v1=f"brand:{brand_id}", v2=obj, v3=act)


async def test_brand_rule_applies_after_policy_changed_for_that_brand_only():
    await grant(11, "store_clerk", "store_card", "write")
    # Written, but this process has not reloaded yet.
    assert not may(clerk(11), "store_card", "write")

    await enforcer.policy_changed()

    assert may(clerk(11), "store_card", "write")
    assert not may(clerk(12), "store_card", "write")
    # Only the role named in the rule gains it.
    assert may(Principal.member(member_id=1, brand_id=11), "store_card", "write") is False


async def test_deleting_a_brand_rule_takes_it_away_again():
    rule = await grant(11, "store_clerk", "store_card", "write")
    await enforcer.policy_changed()
    assert may(clerk(11), "store_card", "write")

    await rule.delete()
    await enforcer.policy_changed()

    assert not may(clerk(11), "store_card", "write")


async def test_brand_rule_grants_through_the_api_at_once(gql, tokens):
    acme, acme_admin = await make_brand("acme")
    rival, rival_admin = await make_brand("rival")
    acme_store = await make_store(acme_admin, "A")
    rival_store = await make_store(rival_admin, "A")
    acme_clerk = await make_staff(acme_admin, Role.STORE_CLERK, acme_store)
    rival_clerk = await make_staff(rival_admin, Role.STORE_CLERK, rival_store)
    acme_token = tokens.issue(kind="staff", subject_id=acme_clerk.id, brand_id=acme.id)
    rival_token = tokens.issue(kind="staff", subject_id=rival_clerk.id, brand_id=rival.id)

    await grant(acme.id, "store_clerk", "store_card", "write")
    await enforcer.policy_changed()

    allowed = await gql(UPSERT_CARD, {"storeId": str(acme_store.id)}, token=acme_token)
    assert allowed["data"]["upsertStoreMemberCard"]["errors"] == []
    denied = await gql(UPSERT_CARD, {"storeId": str(rival_store.id)}, token=rival_token, expect_errors=True)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # The brand rule does not lift store confinement: the other store of the brand stays closed.
    acme_b = await make_store(acme_admin, "B")
    elsewhere = await gql(UPSERT_CARD, {"storeId": str(acme_b.id)}, token=acme_token, expect_errors=True)
    assert elsewhere["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_policy_changed_tells_the_registered_listeners():
    calls: list[str] = []

    async def async_listener() -> None:
        calls.append("async")

    saved = list(enforcer._on_change)
    try:
        enforcer.on_policy_change(lambda: calls.append("sync"))
        enforcer.on_policy_change(async_listener)
        await enforcer.policy_changed()
    finally:
        enforcer.clear_policy_change_callbacks()
        enforcer._on_change.extend(saved)

    assert calls == ["sync", "async"]


async def test_sync_restores_a_deleted_default_rule():
    await CasbinRule.filter(ptype="p", v0="store_clerk", v1="*", v2="member", v3="register").delete()
    await enforcer.reload()
    assert not may(clerk(11), "member", "register")

    assert await sync_default_policy() is True
    await enforcer.reload()

    assert await CasbinRule.filter(ptype="p", v0="store_clerk", v1="*", v2="member", v3="register").exists()
    assert may(clerk(11), "member", "register")


async def test_sync_removes_a_stale_default_rule():
    await CasbinRule.create(ptype="p", v0="store_clerk", v1="*", v2="points", v3="adjust")
    await enforcer.reload()
    assert may(clerk(11), "points", "adjust")

    assert await sync_default_policy() is True
    await enforcer.reload()

    assert not await CasbinRule.filter(v0="store_clerk", v1="*", v2="points", v3="adjust").exists()
    assert not may(clerk(11), "points", "adjust")


async def test_sync_keeps_brand_rules_and_changes_nothing_when_in_step():
    await grant(11, "store_clerk", "store_card", "write")

    assert await sync_default_policy() is False

    assert await CasbinRule.filter(v1="brand:11").count() == 1
    stored = {(r.v0, r.v1, r.v2, r.v3) for r in await CasbinRule.filter(ptype="p", v1="*")}
    assert stored == default_rules()


async def test_load_enforcer_resyncs_the_defaults():
    await CasbinRule.filter(ptype="p", v0="hq_admin", v1="*").delete()
    await CasbinRule.create(ptype="p", v0="member", v1="*", v2="*", v3="*")

    await enforcer.load_enforcer()

    admin = Principal.staff(staff_id=1, brand_id=11, role=Role.HQ_ADMIN, store_id=None)
    assert may(admin, "points.rules", "update")
    assert not may(Principal.member(member_id=1, brand_id=11), "points.rules", "update")
