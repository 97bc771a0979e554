"""Who is calling and what they may do: the Principal, the Casbin enforcer and the helpers
every service calls before it touches data."""

from policies.errors import NotAuthenticated, NotAuthorized
from policies.principal import Principal, PrincipalKind, Role
from policies.authorize import authorize, authorize_store, may, store_scope

__all__ = [
    "NotAuthenticated",
    "NotAuthorized",
    "Principal",
    "PrincipalKind",
    "Role",
    "authorize",
    "authorize_store",
    "may",
    "store_scope",
]
