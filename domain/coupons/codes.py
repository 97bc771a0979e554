"""Codes people read aloud and type: no 0/O, 1/I/L, 2/Z, 5/S, 8/B look-alikes."""

from __future__ import annotations

import secrets

ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


def new_code(length: int) -> str:
    """`length` characters from a cryptographic source: 12 give ~56 bits, unguessable."""
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise(code: str) -> str:
    return code.strip().upper().replace("-", "").replace(" ", "")
