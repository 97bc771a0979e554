"""Depth, alias and token limits, and masked internal errors."""

import logging

from domain.members import service
from schema import build_schema
from tests.factories import make_world


async def test_too_deep_query_is_refused_before_it_runs(gql, tokens):
    world = await make_world(tokens)
    nested = "{ members(first: 1) { edges { node { homeStore { memberCard { name } } } } } }"
    # the default limit admits the deepest real console query...
    await gql(nested, token=world.tokens["manager_a"])

    # ...and a tighter limit refuses it before any resolver runs
    result = await build_schema(max_depth=3).execute(nested, context_value=None)

    assert result.data is None
    assert "exceeds maximum operation depth" in result.errors[0].message


async def test_alias_flood_is_refused(gql, tokens):
    world = await make_world(tokens)
    query = "{ " + " ".join(f"a{i}: viewer {{ kind }}" for i in range(40)) + " }"

    body = await gql(query, token=world.tokens["hq_admin"], expect_errors=True)

    assert body["data"] is None
    assert "aliases" in body["errors"][0]["message"].lower()


async def test_token_flood_is_refused(gql):
    query = "{ viewer { " + " ".join(["kind"] * 3000) + " } }"

    body = await gql(query, expect_errors=True)

    assert body["data"] is None
    assert "token" in body["errors"][0]["message"].lower()


async def test_internal_error_is_masked_and_logged_with_request_id(gql, tokens, monkeypatch, caplog):
    world = await make_world(tokens)

    def broken(principal, member_filter):
        raise RuntimeError("database password is hunter2")

    monkeypatch.setattr(service, "members_query", broken)
    with caplog.at_level(logging.ERROR, logger="loyalty.graphql"):
        body = await gql("{ members(first: 5) { totalCount } }", token=world.tokens["hq_admin"], expect_errors=True)

    error = body["errors"][0]
    assert error["message"] == "Internal server error."
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "hunter2" not in str(body)
    assert any(error["extensions"]["requestId"] in r.getMessage() for r in caplog.records)


async def test_validation_errors_keep_their_message_and_say_so(gql):
    body = await gql("{ viewer { noSuchField } }", expect_errors=True)

    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "noSuchField" in body["errors"][0]["message"]
