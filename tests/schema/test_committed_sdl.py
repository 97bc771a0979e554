from pathlib import Path

from schema import build_schema

ROOT = Path(__file__).resolve().parents[2]


def test_committed_schema_graphql_matches_the_code():
    committed = (ROOT / "schema.graphql").read_text()

    assert build_schema().as_str() + "\n" == committed, "run `make schema` and commit schema.graphql"


async def test_service_sdl_is_the_composition_input(gql):
    body = await gql("{ _service { sdl } }")

    sdl = body["data"]["_service"]["sdl"]
    assert '@key(fields: "id")' in sdl
    assert "type Product" in sdl and '@key(fields: "sku")' in sdl
