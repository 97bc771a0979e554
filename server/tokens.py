"""Signed, short-lived bearer tokens for staff and members (PyJWT, HS256)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import jwt

ALGORITHM = "HS256"
ISSUER = "loyalty"


@dataclass
class TokenIssuer:
    secret_key: str
    ttl_seconds: int

    def issue(self, *, kind: str, subject_id: int, brand_id: int) -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "sub": f"{kind}:{subject_id}",
            "brand": brand_id,
            "iat": now,
            "exp": now + self.ttl_seconds,
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self.secret_key, algorithm=ALGORITHM)

    def decode(self, token: str) -> tuple[str, int, int]:
        """(kind, subject id, brand id); raises jwt.InvalidTokenError when not ours or expired."""
        claims = jwt.decode(
            token, self.secret_key, algorithms=[ALGORITHM], issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss", "brand"]},
        )
        kind, _, subject = str(claims["sub"]).partition(":")
        try:
            return kind, int(subject), int(claims["brand"])
        except (TypeError, ValueError):
            raise jwt.InvalidTokenError("The subject or brand claim is malformed.") from None
