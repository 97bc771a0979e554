"""Turn `Authorization: Bearer …` (staff token, member token or API key) into one Principal."""

from __future__ import annotations

import jwt

from domain.members.models import Member
from franchise.api_clients import api_client_principal, looks_like_api_key
from franchise.staff import staff_principal
from policies import Principal
from server.tokens import TokenIssuer


async def principal_from_authorization(header: str | None, tokens: TokenIssuer) -> Principal:
    if not header:
        return Principal.anonymous()
    scheme, _, credential = header.partition(" ")
    credential = credential.strip()
    if scheme.lower() != "bearer" or not credential:
        return Principal.anonymous("Use the Bearer scheme: Authorization: Bearer <token>.")
    if looks_like_api_key(credential):
        principal = await api_client_principal(credential)
        return principal or Principal.anonymous("The API key is unknown or revoked.")
    try:
        kind, subject_id, brand_id = tokens.decode(credential)
    except jwt.ExpiredSignatureError:
        return Principal.anonymous("The token has expired: sign in again.")
    except (jwt.InvalidTokenError, ValueError):
        return Principal.anonymous("The token is not valid.")
    # Read the account fresh: a deactivated staff member or changed role applies at once.
    if kind == "staff":
        principal = await staff_principal(subject_id)
        if principal is not None and principal.brand_id == brand_id:
            return principal
    elif kind == "member":
        if await Member.filter(id=subject_id, brand_id=brand_id).exists():
            return Principal.member(member_id=subject_id, brand_id=brand_id)
    return Principal.anonymous("The account behind this token is no longer active.")
