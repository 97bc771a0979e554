"""The one helper every service calls before it touches data."""

from __future__ import annotations

from policies.enforcer import enforce
from policies.errors import NotAuthenticated, NotAuthorized
from policies.principal import Principal, PrincipalKind


def may(principal: Principal, obj: str, act: str) -> bool:
    """Whether the caller's role or scopes grant `act` on `obj` in its brand."""
    if principal.kind is PrincipalKind.PLATFORM:
        return True
    if principal.brand_id is None:
        return False
    return any(enforce(subject, principal.brand_id, obj, act) for subject in principal.subjects)


def authorize(principal: Principal, obj: str, act: str, *, store_id: int | None = None) -> None:
    """Raise unless the caller may do `act` on `obj` (and, when given, at `store_id`).

    Objects are always loaded filtered by the caller's brand, so another brand's object never
    reaches this check: it is not found, and a store-confined caller gets FORBIDDEN for that
    as for anything outside its store."""
    if not principal.is_authenticated:
        raise NotAuthenticated(principal.credential_error)
    if not may(principal, obj, act):
        raise NotAuthorized()
    if store_id is not None:
        authorize_store(principal, store_id)


def authorize_store(principal: Principal, store_id: int | None) -> None:
    """A store-confined caller (store staff, store-limited partner) acts at its stores only."""
    allowed = principal.allowed_store_ids
    if allowed is not None and store_id not in allowed:
        raise NotAuthorized()


def store_scope(principal: Principal) -> frozenset[int] | None:
    """The stores whose data a caller may list, or None for the whole brand."""
    return principal.allowed_store_ids
