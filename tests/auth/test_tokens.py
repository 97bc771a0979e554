"""Bearer tokens: signed by us, unexpired, for an account that still exists in that brand."""

from __future__ import annotations

import time

import jwt
import pytest

from server.tokens import ALGORITHM, ISSUER, TokenIssuer
from tests.auth.helpers import PROTECTED, VIEWER, only_error, viewer


def claims(**overrides) -> dict:
    now = int(time.time())
    base = {"iss": ISSUER, "sub": "staff:1", "brand": 1, "iat": now, "exp": now + 600, "jti": "x"}
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


async def assert_refused(gql, token: str, *, mentions: str) -> None:
    """Anonymous in `viewer` with the reason, UNAUTHENTICATED (not FORBIDDEN) elsewhere."""
    me = await viewer(gql, token)
    assert me["kind"] == "ANONYMOUS"
    assert me["brandId"] is None and me["role"] is None and me["member"] is None
    assert mentions in me["credentialError"].lower()
    body = await gql(PROTECTED, token=token, expect_errors=True)
    assert body["data"] is None
    error = only_error(body)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert mentions in error["message"].lower()


async def test_issued_staff_and_member_tokens_are_accepted(gql, world):
    assert (await viewer(gql, world.tokens["hq_admin"]))["kind"] == "STAFF"
    me = await viewer(gql, world.tokens["member"])
    assert me["kind"] == "MEMBER"
    assert me["member"]["id"] == str(world.member_a.id)


async def test_expired_token_is_unauthenticated_with_a_message_about_expiry(gql, tokens, world):
    expired = TokenIssuer(secret_key=tokens.secret_key, ttl_seconds=-1).issue(
        kind="staff", subject_id=world.admin.id, brand_id=world.brand.id
    )

    await assert_refused(gql, expired, mentions="expired")


async def test_expired_member_token_is_refused_too(gql, tokens, world):
    expired = jwt.encode(
        claims(sub=f"member:{world.member_a.id}", brand=world.brand.id, exp=int(time.time()) - 5),
        tokens.secret_key, algorithm=ALGORITHM,
    )

    await assert_refused(gql, expired, mentions="expired")


async def test_token_signed_with_another_key_is_not_valid(gql, world):
    forged = TokenIssuer(secret_key="someone-elses-key-" + "y" * 32, ttl_seconds=3600).issue(
        kind="staff", subject_id=world.admin.id, brand_id=world.brand.id
    )

    await assert_refused(gql, forged, mentions="not valid")


async def test_unsigned_token_is_not_valid(gql, world):
    unsigned = jwt.encode(
        claims(sub=f"staff:{world.admin.id}", brand=world.brand.id), None, algorithm="none"
    )

    await assert_refused(gql, unsigned, mentions="not valid")


@pytest.mark.parametrize(
    "change",
    [
        {"iss": "someone-else"},
        {"exp": None},
        {"sub": None},
        {"sub": "staff:not-a-number"},
        {"brand": None},
        {"brand": "acme"},
        {"brand": [1]},
    ],
    ids=["other-issuer", "no-expiry", "no-subject", "bad-subject", "no-brand", "bad-brand", "list-brand"],
)
async def test_token_with_missing_or_wrong_claims_is_not_valid(gql, tokens, world, change):
    overrides = {"sub": f"staff:{world.admin.id}", "brand": world.brand.id, **change}
    token = jwt.encode(claims(**overrides), tokens.secret_key, algorithm=ALGORITHM)

    await assert_refused(gql, token, mentions="not valid")


async def test_staff_token_whose_brand_claim_differs_from_the_staffs_brand_is_rejected(gql, tokens, world):
    # Signed by us, for a real staff member, but claiming the other brand.
    token = tokens.issue(kind="staff", subject_id=world.admin.id, brand_id=world.other_brand.id)

    await assert_refused(gql, token, mentions="no longer active")


async def test_member_token_whose_brand_claim_differs_from_the_members_brand_is_rejected(gql, tokens, world):
    token = tokens.issue(kind="member", subject_id=world.member_a.id, brand_id=world.other_brand.id)

    await assert_refused(gql, token, mentions="no longer active")


async def test_token_for_an_unknown_account_or_kind_is_rejected(gql, tokens, world):
    for kind, subject in [("staff", 999_999), ("member", 999_999), ("platform", 1), ("api_client", 1)]:
        token = tokens.issue(kind=kind, subject_id=subject, brand_id=world.brand.id)
        await assert_refused(gql, token, mentions="no longer active")


@pytest.mark.parametrize(
    ("header", "mentions"),
    [
        ("Bearer xyz", "not valid"),
        ("Bearer a.b.c", "not valid"),
        ("Bearer lk_0123456789ab_not-a-real-secret", "unknown or revoked"),
        ("Basic dXNlcjpwYXNzd29yZA==", "bearer"),
        ("Token abc", "bearer"),
        ("Bearer", "bearer"),
        ("Bearer    ", "bearer"),
    ],
    ids=["garbage", "three-parts", "unknown-api-key", "basic", "other-scheme", "no-credential", "blank"],
)
async def test_garbage_authorization_is_anonymous_with_a_credential_error(client, header, mentions):
    response = await client.post("/graphql", json={"query": VIEWER}, headers={"authorization": header})

    assert response.status_code == 200
    me = response.json()["data"]["viewer"]
    assert me["kind"] == "ANONYMOUS"
    assert mentions in me["credentialError"].lower()
    protected = await client.post("/graphql", json={"query": PROTECTED}, headers={"authorization": header})
    assert only_error(protected.json())["extensions"]["code"] == "UNAUTHENTICATED"


async def test_scheme_name_is_case_insensitive(client, world):
    response = await client.post(
        "/graphql", json={"query": VIEWER}, headers={"authorization": f"bearer {world.tokens['hq_admin']}"}
    )

    assert response.json()["data"]["viewer"]["kind"] == "STAFF"
