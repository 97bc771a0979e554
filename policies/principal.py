from __future__ import annotations

import enum
from dataclasses import dataclass, field


class PrincipalKind(str, enum.Enum):
    ANONYMOUS = "ANONYMOUS"
    STAFF = "STAFF"
    MEMBER = "MEMBER"
    API_CLIENT = "API_CLIENT"
    # The platform operator: the CLI that creates brands. Never reachable over HTTP.
    PLATFORM = "PLATFORM"


class Role(str, enum.Enum):
    HQ_ADMIN = "hq_admin"
    HQ_OPERATOR = "hq_operator"
    STORE_MANAGER = "store_manager"
    STORE_CLERK = "store_clerk"

    @property
    def is_store_role(self) -> bool:
        return self in (Role.STORE_MANAGER, Role.STORE_CLERK)


# The scopes a partner API client may hold. Each maps to Casbin subject "scope:<name>".
SCOPES = (
    "members:read",
    "members:write",
    "members:pii",
    "orders:import",
    "points:earn",
    "points:redeem",
    "wallet:pay",
    "mall:read",
    "coupons:use",
    "events:write",
)


@dataclass(frozen=True)
class Principal:
    """The caller, whatever the credential: a staff token, a member token or an API key."""

    kind: PrincipalKind
    brand_id: int | None = None
    role: Role | None = None
    store_id: int | None = None
    staff_id: int | None = None
    member_id: int | None = None
    api_client_id: int | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    # A partner client limited to some stores; empty means brand-wide.
    store_ids: frozenset[int] = field(default_factory=frozenset)
    # Why a presented credential was refused, to tell the caller rather than say "anonymous".
    credential_error: str | None = None

    @classmethod
    def anonymous(cls, credential_error: str | None = None) -> Principal:
        return cls(kind=PrincipalKind.ANONYMOUS, credential_error=credential_error)

    @classmethod
    def platform(cls, brand_id: int | None = None) -> Principal:
        """The operator's CLI, optionally acting inside one brand (imports, seeds)."""
        return cls(kind=PrincipalKind.PLATFORM, brand_id=brand_id)

    @classmethod
    def staff(cls, *, staff_id: int, brand_id: int, role: Role, store_id: int | None) -> Principal:
        return cls(
            kind=PrincipalKind.STAFF,
            staff_id=staff_id,
            brand_id=brand_id,
            role=role,
            store_id=store_id if role.is_store_role else None,
        )

    @classmethod
    def member(cls, *, member_id: int, brand_id: int) -> Principal:
        return cls(kind=PrincipalKind.MEMBER, member_id=member_id, brand_id=brand_id)

    @classmethod
    def api_client(
        cls, *, api_client_id: int, brand_id: int, scopes: frozenset[str], store_ids: frozenset[int]
    ) -> Principal:
        return cls(
            kind=PrincipalKind.API_CLIENT,
            api_client_id=api_client_id,
            brand_id=brand_id,
            scopes=scopes,
            store_ids=store_ids,
        )

    @property
    def is_authenticated(self) -> bool:
        return self.kind is not PrincipalKind.ANONYMOUS

    @property
    def subjects(self) -> tuple[str, ...]:
        """The Casbin subjects this caller acts as."""
        if self.kind is PrincipalKind.STAFF and self.role is not None:
            return (self.role.value,)
        if self.kind is PrincipalKind.MEMBER:
            return ("member",)
        if self.kind is PrincipalKind.API_CLIENT:
            return tuple(f"scope:{s}" for s in sorted(self.scopes))
        return ()

    @property
    def allowed_store_ids(self) -> frozenset[int] | None:
        """Stores this caller is confined to, or None when it acts brand-wide."""
        if self.kind is PrincipalKind.STAFF and self.store_id is not None:
            return frozenset({self.store_id})
        if self.kind is PrincipalKind.API_CLIENT and self.store_ids:
            return self.store_ids
        return None
