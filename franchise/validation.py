"""Input checks shared by the organisation and the domain services."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from franchise.errors import DomainError, FranchiseErrorCode

SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$")


def text(value: str | None, field: str, *, max_length: int, required: bool = True) -> str | None:
    """Trimmed text within its length; None only when the field is optional."""
    if value is None or not value.strip():
        if required:
            raise DomainError(FranchiseErrorCode.REQUIRED, f"{field} is required.", field)
        return None
    value = value.strip()
    if len(value) > max_length:
        raise DomainError(
            FranchiseErrorCode.TOO_LONG, f"{field} is longer than {max_length} characters.", field
        )
    # PostgreSQL refuses NUL, and no name or address needs a control character.
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise DomainError(FranchiseErrorCode.INVALID_INPUT, f"{field} has control characters.", field)
    return value


def tags(values: list[str] | None, field: str = "tags") -> list[str]:
    if not values:
        return []
    if len(values) > 20:
        raise DomainError(FranchiseErrorCode.TOO_LONG, "At most 20 tags.", field)
    cleaned = [text(v, field, max_length=32) for v in values]
    return sorted(set(cleaned))  # type: ignore[arg-type]


def email(value: str | None, field: str = "email") -> str:
    value = (text(value, field, max_length=254) or "").lower()
    if not EMAIL_RE.match(value):
        raise DomainError(FranchiseErrorCode.INVALID_INPUT, "Not an e-mail address.", field)
    return value


def slug(value: str | None, field: str = "slug") -> str:
    value = text(value, field, max_length=40) or ""
    if not SLUG_RE.match(value):
        raise DomainError(
            FranchiseErrorCode.INVALID_INPUT,
            "A slug is 2-40 lowercase letters, digits and dashes.",
            field,
        )
    return value


def money_to_minor(amount: Decimal | str | int, field: str, *, allow_zero: bool = True) -> int:
    """Exact money in minor units (fen); more than two decimals or a negative is refused."""
    try:
        value = Decimal(str(amount))
    except InvalidOperation:
        raise DomainError(FranchiseErrorCode.INVALID_AMOUNT, "Not an amount.", field) from None
    if not value.is_finite() or value < 0 or (value == 0 and not allow_zero):
        raise DomainError(FranchiseErrorCode.INVALID_AMOUNT, "The amount must be positive.", field)
    minor = value * 100
    if minor != minor.to_integral_value():
        raise DomainError(
            FranchiseErrorCode.INVALID_AMOUNT, "Amounts have at most two decimals.", field
        )
    if minor > 10**12:
        raise DomainError(FranchiseErrorCode.INVALID_AMOUNT, "The amount is too large.", field)
    return int(minor)


def minor_to_money(minor: int) -> Decimal:
    return (Decimal(minor) / 100).quantize(Decimal("0.01"))


def bounded_int(value: int, field: str, *, low: int, high: int) -> int:
    if not low <= value <= high:
        raise DomainError(
            FranchiseErrorCode.INVALID_INPUT, f"{field} must be between {low} and {high}.", field
        )
    return value
