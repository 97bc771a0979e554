"""Errors a caller can correct. Each becomes a UserError {code, field, message} in a payload."""

from __future__ import annotations

import enum


class FranchiseErrorCode(str, enum.Enum):
    INVALID_INPUT = "INVALID_INPUT"
    TOO_LONG = "TOO_LONG"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    SLUG_TAKEN = "SLUG_TAKEN"
    STORE_CODE_TAKEN = "STORE_CODE_TAKEN"
    EMAIL_TAKEN = "EMAIL_TAKEN"
    STORE_NOT_FOUND = "STORE_NOT_FOUND"
    STAFF_NOT_FOUND = "STAFF_NOT_FOUND"
    INVALID_ROLE = "INVALID_ROLE"
    WEAK_PASSWORD = "WEAK_PASSWORD"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_SCOPE = "INVALID_SCOPE"
    INVALID_AMOUNT = "INVALID_AMOUNT"
    ALREADY_REVOKED = "ALREADY_REVOKED"
    RATE_LIMITED = "RATE_LIMITED"
    RESERVED_PERMISSION = "RESERVED_PERMISSION"


class DomainError(Exception):
    """Base of every error a caller can correct; `code` is stable, `field` names the input."""

    def __init__(self, code: enum.Enum, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def invalid(message: str, field: str | None = None) -> DomainError:
    return DomainError(FranchiseErrorCode.INVALID_INPUT, message, field)
