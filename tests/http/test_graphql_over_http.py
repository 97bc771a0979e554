"""GET for queries, POST for everything, media types and status codes as the GraphQL-over-HTTP
spec asks (https://graphql.github.io/graphql-over-http/draft/), batching off."""

import json

import pytest

GRAPHQL_RESPONSE = "application/graphql-response+json"
LOGIN = """mutation { login(input: {brandSlug: "acme", email: "nobody@acme.test", password: "wrong-password-123"}) {
  token errors { code } } }"""


def media_type(response) -> str:
    return response.headers["content-type"].split(";")[0]


async def test_get_runs_a_query_with_variables_and_answers_json(client, world):
    response = await client.get("/graphql", params={
        "query": "query($id: ID!) { member(id: $id) { name } }", "variables": json.dumps({"id": str(world.member_a.id)}),
    }, headers={"authorization": f"Bearer {world.tokens['manager_a']}"})

    assert response.status_code == 200
    assert media_type(response) == "application/json"
    assert "charset=utf-8" in response.headers["content-type"]
    assert response.json() == {"data": {"member": {"name": "Han Meimei"}}}


async def test_mutation_over_get_is_refused_with_405_and_not_run(client, world, count_queries):
    with count_queries() as counter:
        response = await client.get("/graphql", params={"query": LOGIN})

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert counter.count == 0


async def test_mutation_over_post_runs(client, world):
    response = await client.post("/graphql", json={"query": LOGIN})

    assert response.status_code == 200
    assert response.json()["data"]["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE, f"{GRAPHQL_RESPONSE}, application/json;q=0.9",
                                    f"application/json;q=0.5, {GRAPHQL_RESPONSE}"])
async def test_client_accepting_graphql_response_json_gets_it(client, accept):
    response = await client.post("/graphql", json={"query": "{ __typename }"}, headers={"accept": accept})

    assert response.status_code == 200
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE}; charset=utf-8"
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", f"application/json, {GRAPHQL_RESPONSE};q=0.5"])
async def test_other_clients_get_application_json(client, accept):
    headers = {"accept": accept} if accept else {}
    response = await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)

    assert media_type(response) == "application/json"


REQUEST_ERRORS = [
    pytest.param({"query": "{ __typename "}, id="parse-error"),
    pytest.param({"query": "{ noSuchField }"}, id="validation-error"),
    pytest.param({"query": "query($id: ID!) { member(id: $id) { id } }", "variables": {"id": None}},
                 id="variable-coercion"),
]


@pytest.mark.parametrize("payload", REQUEST_ERRORS)
async def test_request_error_is_400_without_data_for_graphql_response_json(client, payload):
    response = await client.post("/graphql", json=payload, headers={"accept": GRAPHQL_RESPONSE})

    assert response.status_code == 400
    assert media_type(response) == GRAPHQL_RESPONSE
    body = response.json()
    assert "data" not in body and body["errors"]


@pytest.mark.parametrize("payload", REQUEST_ERRORS)
async def test_request_error_is_200_with_null_data_for_application_json(client, payload):
    response = await client.post("/graphql", json=payload, headers={"accept": "application/json"})

    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None and body["errors"]


async def test_field_error_keeps_its_data_and_status_200(client, world):
    # store B's manager asks for store A's member: a field error, not a request error
    response = await client.post(
        "/graphql", json={"query": "query($id: ID!) { member(id: $id) { id } }", "variables": {"id": str(world.member_a.id)}},
        headers={"accept": GRAPHQL_RESPONSE, "authorization": f"Bearer {world.tokens['manager_b']}"},
    )

    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"member": None}
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_batches_are_refused(client, world, count_queries):
    with count_queries() as counter:
        response = await client.post("/graphql", json=[{"query": "{ __typename }"}, {"query": LOGIN}])

    assert response.status_code == 400
    assert "Batching is not enabled" in response.text
    assert counter.count == 0


async def test_body_that_is_not_json_is_400(client):
    response = await client.post("/graphql", content=b"{ __typename", headers={"content-type": "application/json"})

    assert response.status_code == 400
