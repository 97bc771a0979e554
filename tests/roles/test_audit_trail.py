"""auditLog for hq_admin: who (and in which role), what, where and when, narrowed by a filter;
and the trail cannot be rewritten, not even by SQL on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from tortoise import Tortoise

from franchise.models import AuditEntry
from tests.conftest import ON_POSTGRES
from tests.factories import make_world

TRAIL = """
query($filter: AuditLogFilter) {
  auditLog(filter: $filter, first: 50) { totalCount edges { node { actor actorRole action objectType objectId } } }
}
"""
UPDATE_STORE = """
mutation($input: UpdateStoreInput!) { updateStore(input: $input) { store { id } errors { code } } }
"""
STORE_CARD = """
mutation($input: UpsertStoreMemberCardInput!) { upsertStoreMemberCard(input: $input) { errors { code } } }
"""


async def trail(gql, world, **conditions) -> dict:
    body = await gql(TRAIL, {"filter": conditions}, token=world.tokens["hq_admin"])
    return body["data"]["auditLog"]


async def test_the_trail_records_the_actors_role_and_filters_by_actor_object_and_time(gql, tokens):
    world = await make_world(tokens)
    await asyncio.sleep(0.01)  # the world's own entries are strictly older
    started = datetime.now(UTC)
    await gql(UPDATE_STORE, {"input": {"id": world.store_a.id, "name": "Renamed A"}}, token=world.tokens["hq_admin"])

    by_admin = await trail(gql, world, actor=f"staff:{world.admin.id}", objectType="Store",
                           objectId=str(world.store_a.id), since=started.isoformat())

    assert by_admin["totalCount"] == 1
    node = by_admin["edges"][0]["node"]
    assert (node["actorRole"], node["action"], node["objectType"]) == ("hq_admin", "store.update", "Store")
    assert (await trail(gql, world, until=started.isoformat()))["totalCount"] == \
        (await trail(gql, world))["totalCount"] - 1
    assert (await trail(gql, world, objectType="NoSuchType"))["totalCount"] == 0


async def test_another_brands_admin_sees_none_of_this_brands_trail(gql, tokens):
    world = await make_world(tokens)
    await gql(UPDATE_STORE, {"input": {"id": world.store_a.id, "name": "Renamed A"}}, token=world.tokens["hq_admin"])

    body = await gql(TRAIL, {"filter": {"objectId": str(world.store_a.id), "objectType": "Store"}},
                     token=world.tokens["other_admin"])

    assert body["data"]["auditLog"]["totalCount"] == 0


@pytest.mark.parametrize("caller", ["hq_operator", "manager_a", "clerk_a", "member", "partner"])
async def test_only_hq_admin_reads_the_trail(gql, tokens, caller):
    world = await make_world(tokens)

    body = await gql(TRAIL, {"filter": {}}, token=world.tokens[caller], expect_errors=True)

    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.skipif(not ON_POSTGRES, reason="the append-only trigger is PostgreSQL's (SQLite relies on the code "
                    "having no update or delete path)")
async def test_postgresql_refuses_to_update_or_delete_an_audit_entry(tokens):
    world = await make_world(tokens)
    entry = await AuditEntry.filter(brand_id=world.brand.id).first()
    connection = Tortoise.get_connection("default")

    for statement in (f"UPDATE audit_entry SET actor = 'nobody' WHERE id = {entry.id}",
                      f"DELETE FROM audit_entry WHERE id = {entry.id}", "TRUNCATE audit_entry CASCADE"):
        with pytest.raises(Exception, match="append-only"):
            await connection.execute_script(statement)

    assert (await AuditEntry.get(id=entry.id)).actor == entry.actor


def test_the_audit_module_has_no_update_or_delete_path():
    import inspect

    from franchise import audit

    source = inspect.getsource(audit)
    assert ".update(" not in source and ".delete(" not in source and ".save(" not in source
