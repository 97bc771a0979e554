"""The audit trail: every configuration change, with who, when and what changed.

Append-only: this module only inserts and reads, and on PostgreSQL a trigger refuses any UPDATE
or DELETE of `audit_entry` (migration 0008)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from franchise.models import AuditEntry
from policies import Principal, PrincipalKind, authorize


def actor_of(principal: Principal) -> str:
    match principal.kind:
        case PrincipalKind.STAFF:
            return f"staff:{principal.staff_id}"
        case PrincipalKind.MEMBER:
            return f"member:{principal.member_id}"
        case PrincipalKind.API_CLIENT:
            return f"api_client:{principal.api_client_id}"
        case PrincipalKind.PLATFORM:
            return "platform"
    return "anonymous"


def role_of(principal: Principal) -> str:
    return principal.role.value if principal.role is not None else principal.kind.value


def _api_name(field: str) -> str:
    head, *rest = field.split("_")
    return head + "".join(part.title() for part in rest)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """{field: [old, new]} for the fields that changed, named as the API names them."""
    return {_api_name(k): [before.get(k), v] for k, v in after.items() if before.get(k) != v}


async def record(
    principal: Principal,
    *,
    brand_id: int,
    action: str,
    object_type: str,
    object_id: Any,
    changes: dict[str, Any],
    store_id: int | None = None,
) -> AuditEntry:
    return await AuditEntry.create(
        brand_id=brand_id,
        actor=actor_of(principal),
        actor_role=role_of(principal),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        store_id=store_id,
        changes=changes,
    )


@dataclass
class AuditFilter:
    actor: str | None = None
    action: str | None = None
    object_type: str | None = None
    object_id: str | None = None
    store_id: int | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


def audit_entries_query(principal: Principal, audit_filter: AuditFilter | None = None):
    """The brand's trail, for hq_admin, narrowed by who, what, where and when."""
    authorize(principal, "audit", "read")
    f = audit_filter or AuditFilter()
    query = AuditEntry.filter(brand_id=principal.brand_id)
    for name in ("actor", "action", "object_type", "object_id", "store_id"):
        value = getattr(f, name)
        if value is not None and value != "":
            query = query.filter(**{name: value})
    # SQLite compares datetimes as stored UTC text: bind UTC.
    if f.since is not None:
        query = query.filter(created_at__gte=_utc(f.since))
    if f.until is not None:
        query = query.filter(created_at__lt=_utc(f.until))
    return query


def _utc(moment: datetime) -> datetime:
    # An instant without an offset is read as UTC, never as the server's local time.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
