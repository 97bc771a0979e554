from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from franchise.errors import DomainError, FranchiseErrorCode

_hasher = PasswordHasher()
# Verifying against this keeps an unknown e-mail as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def use_hasher(hasher: PasswordHasher) -> None:
    """Swap the argon2 parameters (the test suite uses the cheapest profile)."""
    global _hasher, _DUMMY_HASH
    _hasher = hasher
    _DUMMY_HASH = hasher.hash("not-a-real-password")

MIN_LENGTH = 10


def hash_password(password: str, field: str = "password") -> str:
    if len(password) < MIN_LENGTH or len(password) > 256:
        raise DomainError(
            FranchiseErrorCode.WEAK_PASSWORD,
            f"A password has {MIN_LENGTH} to 256 characters.",
            field,
        )
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
