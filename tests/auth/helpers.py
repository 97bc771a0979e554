"""Queries and small helpers shared by the sign-in tests."""

from __future__ import annotations

VIEWER = """
query { viewer { kind role scopes brandId credentialError store { id code } member { id } } }
"""
# Any query that needs a signed-in caller.
PROTECTED = "query { stores { id code } }"


async def viewer(gql, token: str | None) -> dict:
    body = await gql(VIEWER, token=token)
    return body["data"]["viewer"]


def only_error(body: dict) -> dict:
    """The single top-level GraphQL error of a response."""
    errors = body.get("errors") or []
    assert len(errors) == 1, errors
    return errors[0]


def payload_error_codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["errors"]]
