"""Gift-card codes: 80 random bits from `secrets` as 16 Crockford base32 characters, plus
Crockford's mod-37 check symbol, shown in groups of four (`7KQ2-9XWM-D4TA-0B3R-J`).

The check symbol catches any single mistyped character and any swap of two neighbours (37 is a
prime above 32), so a typo is refused without a database look-up. Parsing ignores case, spaces
and dashes, and reads I/L as 1 and O as 0, as Crockford's alphabet intends. Only an HMAC of
the normalised code, keyed with the runtime secret, is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_ALPHABET = ALPHABET + "*~$=U"
BODY_LENGTH = 16  # 16 x 5 = 80 bits
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_ALIASES = str.maketrans({"I": "1", "L": "1", "O": "0"})


def check_symbol(body: str) -> str:
    value = 0
    for char in body:
        value = value * 32 + _VALUE[char]
    return CHECK_ALPHABET[value % 37]


def new_code() -> str:
    """A fresh code, formatted for reading."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return format_code(body + check_symbol(body))


def format_code(normalised: str) -> str:
    groups = [normalised[i:i + 4] for i in range(0, BODY_LENGTH, 4)]
    return "-".join(groups + [normalised[BODY_LENGTH:]])


def normalise(code: str | None) -> str | None:
    """The canonical 17 characters, or None when this cannot be a code (wrong length,
    characters or check symbol)."""
    if not code:
        return None
    text = "".join(code.split()).replace("-", "").upper()
    if len(text) != BODY_LENGTH + 1:
        return None
    text = text.translate(_ALIASES)
    body, check = text[:BODY_LENGTH], text[BODY_LENGTH:]
    if check not in CHECK_ALPHABET or any(c not in _VALUE for c in body):
        return None
    return body + check if check_symbol(body) == check else None


def code_hash(secret_key: str, normalised: str) -> str:
    return hmac.new(secret_key.encode(), f"giftcard:{normalised}".encode(), hashlib.sha256).hexdigest()


def hint(normalised: str) -> str:
    """The last four characters of the body, shown with the card (e.g. "…0B3R")."""
    return normalised[BODY_LENGTH - 4:BODY_LENGTH]
