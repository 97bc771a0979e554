"""Automatic persisted queries (Apollo's APQ protocol, kept in Redis with a TTL) and, for
production, a registered allow-list of documents."""

import json

import pytest
from httpx import ASGITransport, AsyncClient

from server.app import create_app
from server.persisted import KEY_PREFIX, MAX_REGISTERED_CHARS, document_hash
from server.settings import Settings

QUERY = "query($id: ID!) { member(id: $id) { name } }"
OTHER = "{ __typename }"


def apq(document: str, *, version: int = 1) -> dict:
    return {"persistedQuery": {"version": version, "sha256Hash": document_hash(document)}}


async def post(client, world, **payload):
    variables = {"id": str(world.member_a.id)}
    return await client.post("/graphql", json={"variables": variables, **payload},
                              headers={"authorization": f"Bearer {world.tokens['manager_a']}"})


def error_code(response) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


# --- automatic persisted queries ---------------------------------------------------------------


async def test_unknown_hash_asks_for_the_query_then_the_hash_alone_runs_it(client, world, app):
    # given a client that sends only the hash first
    first = await post(client, world, extensions=apq(QUERY))

    # then PersistedQueryNotFound (200, as Apollo Server answers, so clients retry with the query)
    assert first.status_code == 200
    assert error_code(first) == "PERSISTED_QUERY_NOT_FOUND"
    assert first.json()["errors"][0]["message"] == "PersistedQueryNotFound"

    # when it sends the query with its hash, it runs and is registered with a TTL
    registered = await post(client, world, query=QUERY, extensions=apq(QUERY))
    assert registered.json() == {"data": {"member": {"name": "Han Meimei"}}}
    ttl = await app.state.runtime.redis.ttl(KEY_PREFIX + document_hash(QUERY))
    assert 0 < ttl <= 86400

    # and from then on the hash alone runs it, over POST and over GET
    again = await post(client, world, extensions=apq(QUERY))
    over_get = await client.get("/graphql", params={
        "extensions": json.dumps(apq(QUERY)), "variables": json.dumps({"id": str(world.member_a.id)}),
    }, headers={"authorization": f"Bearer {world.tokens['manager_a']}"})
    assert again.json() == over_get.json() == {"data": {"member": {"name": "Han Meimei"}}}


async def test_a_hash_that_is_not_the_querys_is_refused_and_not_stored(client, world, app):
    response = await post(client, world, query=QUERY, extensions=apq(OTHER))

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "provided sha does not match query"
    assert await app.state.runtime.redis.get(KEY_PREFIX + document_hash(OTHER)) is None


async def test_a_huge_document_runs_but_is_not_kept(client, world, app):
    huge = "{ __typename }" + " " * MAX_REGISTERED_CHARS

    response = await post(client, world, query=huge, extensions=apq(huge))

    assert response.json() == {"data": {"__typename": "Query"}}
    assert await app.state.runtime.redis.get(KEY_PREFIX + document_hash(huge)) is None


async def test_an_unsupported_protocol_version_is_refused(client, world):
    response = await post(client, world, query=QUERY, extensions=apq(QUERY, version=2))

    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "Unsupported persisted query version"


async def test_a_registered_query_still_checks_the_callers_permissions(client, world):
    await post(client, world, query=QUERY, extensions=apq(QUERY))

    response = await client.post("/graphql", json={"extensions": apq(QUERY), "variables": {"id": str(world.member_a.id)}},
                                 headers={"authorization": f"Bearer {world.tokens['manager_b']}"})

    assert response.json()["data"] == {"member": None}
    assert error_code(response) == "FORBIDDEN"


# --- allow-list (production mode) --------------------------------------------------------------


@pytest.fixture
async def listed_client(app, tmp_path):
    """The app as production runs it with LOYALTY_PERSISTED_QUERIES_FILE: only QUERY is listed.
    It shares the suite's database, Redis and token key (the suite's lifespan opened them)."""
    listed = tmp_path / "persisted-queries.json"
    listed.write_text(json.dumps({document_hash(QUERY): QUERY}))
    settings = Settings(env="test", secret_key=app.state.tokens.secret_key, persisted_queries_file=listed)
    production = create_app(settings, runtime=app.state.runtime)
    async with AsyncClient(transport=ASGITransport(app=production), base_url="http://test") as http:
        yield http


async def test_allow_list_runs_a_listed_document_by_hash_or_in_full(listed_client, world):
    by_hash = await post(listed_client, world, extensions=apq(QUERY))
    in_full = await post(listed_client, world, query=QUERY)

    assert by_hash.json() == in_full.json() == {"data": {"member": {"name": "Han Meimei"}}}


async def test_allow_list_refuses_any_other_document(listed_client, world, app):
    in_full = await post(listed_client, world, query=OTHER)
    registering = await post(listed_client, world, query=OTHER, extensions=apq(OTHER))
    by_hash = await post(listed_client, world, extensions=apq(OTHER))

    assert [r.status_code for r in (in_full, registering, by_hash)] == [400, 400, 400]
    assert [error_code(r) for r in (in_full, registering, by_hash)] == [
        "QUERY_NOT_IN_SAFELIST", "QUERY_NOT_IN_SAFELIST", "PERSISTED_QUERY_NOT_IN_LIST"]
    assert await app.state.runtime.redis.get(KEY_PREFIX + document_hash(OTHER)) is None


def test_an_allow_list_whose_hash_is_not_its_documents_is_refused_at_start(tmp_path, app):
    listed = tmp_path / "persisted-queries.json"
    listed.write_text(json.dumps({document_hash(OTHER): QUERY}))

    with pytest.raises(ValueError, match="not the sha256 of their document"):
        create_app(Settings(env="test", persisted_queries_file=listed), runtime=app.state.runtime)
