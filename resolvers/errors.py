"""One place turns a service's DomainError into the payload's `errors` list."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

from domain import metrics
from franchise.errors import DomainError, FranchiseErrorCode


@dataclass
class UserErrorData:
    code: str
    field: str | None
    message: str


def user_error(error: DomainError) -> UserErrorData:
    metrics.count("user_errors", code=error.code.value)
    return UserErrorData(code=error.code.value, field=error.field, message=error.message)


async def attempt(work: Awaitable[dict[str, Any]]) -> dict[str, Any]:
    """The payload fields of a mutation: its result, or the error the caller can correct.
    Access errors and bugs are not caught here: they become top-level errors."""
    try:
        return {**(await work), "errors": []}
    except DomainError as error:
        return {"errors": [user_error(error)]}


def parse_id(value: Any, field: str) -> int:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        raise DomainError(FranchiseErrorCode.INVALID_INPUT, "Not an id.", field) from None
    if not 0 < number < 2**63:
        raise DomainError(FranchiseErrorCode.INVALID_INPUT, "Not an id.", field)
    return number


def parse_optional_id(value: Any, field: str) -> int | None:
    return None if value is None else parse_id(value, field)
