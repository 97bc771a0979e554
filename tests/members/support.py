"""Plain helpers of the members tests (fixtures live in conftest.py)."""

from __future__ import annotations

REGISTER = """
mutation Register($input: RegisterMemberInput!) {
  registerMember(input: $input) {
    member { id phone name birthday source referralCode homeStore { id code } }
    token
    errors { code field message }
  }
}
"""


def phone(n: int) -> str:
    """A valid mainland mobile number, E.164, distinct per n (not the factories' +86137 range)."""
    return f"+86139{n:08d}"


def error_codes(body: dict) -> list[str | None]:
    """The `extensions.code` of every top-level error (None where an error has none)."""
    return [(error.get("extensions") or {}).get("code") for error in body.get("errors") or []]


def assert_refused_with_a_code(body: dict) -> None:
    """A top-level error the caller can act on: it has a code and it is not a masked bug."""
    codes = error_codes(body)
    assert codes, body
    assert all(code and code != "INTERNAL_SERVER_ERROR" for code in codes), body
