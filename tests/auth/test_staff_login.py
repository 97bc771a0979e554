"""Staff sign in with brand, e-mail and password; one error for every wrong detail."""

from __future__ import annotations

import pytest

from franchise.models import Staff
from policies import Role
from tests.factories import PASSWORD, make_brand, make_staff, make_store
from tests.auth.helpers import PROTECTED, VIEWER, only_error, payload_error_codes, viewer

LOGIN = """
mutation($input: LoginInput!) {
  login(input: $input) { token expiresIn staff { id email role } errors { code field message } }
}
"""
DEACTIVATE = """
mutation($id: ID!) {
  updateStaffRole(input: {staffId: $id, active: false}) { staff { id active } errors { code message } }
}
"""


async def login(gql, brand_slug: str, email: str, password: str) -> dict:
    body = await gql(LOGIN, {"input": {"brandSlug": brand_slug, "email": email, "password": password}})
    return body["data"]["login"]


async def test_right_credentials_give_a_token_that_works_for_viewer(gql):
    brand, admin = await make_brand("acme")

    result = await login(gql, "acme", "admin@acme.test", PASSWORD)

    assert result["errors"] == []
    assert result["token"] and result["expiresIn"] > 0
    assert result["staff"]["email"] == "admin@acme.test"
    me = await viewer(gql, result["token"])
    assert me["kind"] == "STAFF"
    assert me["role"] == "HQ_ADMIN"
    assert me["brandId"] == str(brand.id)
    assert me["credentialError"] is None


async def test_login_ignores_case_and_spaces_in_brand_slug_and_email(gql):
    await make_brand("acme")

    result = await login(gql, " ACME ", " Admin@Acme.Test ", PASSWORD)

    assert result["errors"] == [] and result["token"]


async def test_store_staff_token_carries_role_and_store(gql):
    _, admin = await make_brand("acme")
    store = await make_store(admin, "A")
    clerk = await make_staff(admin, Role.STORE_CLERK, store)

    token = (await login(gql, "acme", clerk.email, PASSWORD))["token"]

    me = await viewer(gql, token)
    assert (me["kind"], me["role"], me["store"]["code"]) == ("STAFF", "STORE_CLERK", "A")


@pytest.mark.parametrize(
    ("brand_slug", "email", "password"),
    [
        ("acme", "admin@acme.test", "wrong-password-123"),
        ("acme", "nobody@acme.test", PASSWORD),
        ("no-such-brand", "admin@acme.test", PASSWORD),
        ("rival", "admin@acme.test", PASSWORD),  # a real brand, but not this account's
        ("acme", "admin@acme.test", ""),
    ],
    ids=["wrong-password", "unknown-email", "unknown-brand", "other-brand", "empty-password"],
)
async def test_wrong_details_give_one_invalid_credentials_error(gql, brand_slug, email, password):
    await make_brand("acme")
    await make_brand("rival")

    result = await login(gql, brand_slug, email, password)

    assert result["token"] is None
    assert result["staff"] is None
    assert payload_error_codes(result) == ["INVALID_CREDENTIALS"]
    # The same words whatever was wrong, so the reply does not tell which accounts exist.
    assert result["errors"][0]["message"] == "Wrong brand, e-mail or password."
    assert result["errors"][0]["field"] is None


async def test_password_is_stored_as_an_argon2_hash(gql):
    _, admin = await make_brand("acme")
    clerk = await make_staff(admin, Role.HQ_OPERATOR)

    for account in (admin, clerk):
        row = await Staff.get(id=account.id)
        assert row.password_hash.startswith("$argon2")
        assert PASSWORD not in row.password_hash


async def test_deactivated_staff_cannot_log_in_and_its_token_stops_working_at_once(gql, tokens):
    _, admin = await make_brand("acme")
    operator = await make_staff(admin, Role.HQ_OPERATOR)
    admin_token = (await login(gql, "acme", admin.email, PASSWORD))["token"]
    operator_token = (await login(gql, "acme", operator.email, PASSWORD))["token"]
    assert (await viewer(gql, operator_token))["kind"] == "STAFF"

    result = (await gql(DEACTIVATE, {"id": str(operator.id)}, token=admin_token))["data"]["updateStaffRole"]
    assert result["errors"] == [] and result["staff"]["active"] is False

    # The token issued before is refused on the very next request…
    me = await viewer(gql, operator_token)
    assert me["kind"] == "ANONYMOUS"
    assert me["role"] is None and me["brandId"] is None
    assert me["credentialError"]
    body = await gql(PROTECTED, token=operator_token, expect_errors=True)
    error = only_error(body)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert body["data"] is None
    # …and the right password no longer signs in.
    again = await login(gql, "acme", operator.email, PASSWORD)
    assert again["token"] is None
    assert payload_error_codes(again) == ["INVALID_CREDENTIALS"]


async def test_login_is_rate_limited_after_ten_tries_per_brand_and_email(gql):
    _, admin = await make_brand("acme")
    operator = await make_staff(admin, Role.HQ_OPERATOR)

    for _ in range(10):
        result = await login(gql, "acme", admin.email, "wrong-password-123")
        assert payload_error_codes(result) == ["INVALID_CREDENTIALS"]
    # The eleventh try within five minutes is refused, even with the right password.
    blocked = await login(gql, "acme", admin.email, PASSWORD)
    assert blocked["token"] is None
    assert payload_error_codes(blocked) == ["RATE_LIMITED"]
    # The counter is per brand and e-mail: another account of the brand still signs in.
    other = await login(gql, "acme", operator.email, PASSWORD)
    assert other["errors"] == [] and other["token"]


async def test_login_rate_limit_window_is_five_minutes(gql, app):
    await make_brand("acme")
    redis = app.state.runtime.redis

    await login(gql, "acme", "admin@acme.test", "wrong-password-123")

    keys = [k.decode() if isinstance(k, bytes) else k async for k in redis.scan_iter("rl:login:*")]
    assert keys, "the login attempt left no counter in Redis"
    for key in keys:
        assert 0 < await redis.ttl(key) <= 300


async def test_login_rate_limit_counts_spellings_of_the_same_brand_and_email_together(gql):
    _, admin = await make_brand("acme")
    spellings = ["acme", "ACME", "Acme", " acme", "acme ", "aCme", "acMe", "acmE", " ACME ", "AcMe"]

    for slug in spellings:
        result = await login(gql, slug, admin.email.upper(), "wrong-password-123")
        assert payload_error_codes(result) == ["INVALID_CREDENTIALS"]

    blocked = await login(gql, "ACme", admin.email, PASSWORD)
    assert payload_error_codes(blocked) == ["RATE_LIMITED"]


async def test_viewer_without_credentials_is_anonymous_without_error(gql):
    body = await gql(VIEWER)
    me = body["data"]["viewer"]
    assert me["kind"] == "ANONYMOUS"
    assert me["credentialError"] is None
    error = only_error(await gql(PROTECTED, expect_errors=True))
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
