import pytest

from tests.factories import make_brand

LOGIN = """mutation($slug: String!, $email: String!) {
  login(input: {brandSlug: $slug, email: $email, password: "whatever-password"}) { token errors { code } } }"""


@pytest.mark.parametrize(
    "slug,email",
    [("a" * 400, "admin@acme.test"), ("ac\x00me", "admin@acme.test"), ("acme", "x" * 300 + "@acme.test"),
     ("acme", "admin\x00@acme.test"), ("ACME ", "admin@acme.test")],
    ids=["long-slug", "nul-slug", "long-email", "nul-email", "wrong-password"],
)
async def test_login_with_odd_credentials_is_refused_like_any_wrong_one(gql, slug, email):
    await make_brand("acme")

    body = await gql(LOGIN, {"slug": slug, "email": email})

    assert body["data"]["login"] == {"token": None, "errors": [{"code": "INVALID_CREDENTIALS"}]}
