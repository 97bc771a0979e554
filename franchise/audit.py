"""The audit trail: every configuration change, with who, when and what changed."""

from __future__ import annotations

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
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        store_id=store_id,
        changes=changes,
    )


def audit_entries_query(principal: Principal, *, action: str | None = None, store_id: int | None = None):
    """The brand's trail, for hq_admin."""
    authorize(principal, "audit", "read")
    query = AuditEntry.filter(brand_id=principal.brand_id)
    if action:
        query = query.filter(action=action)
    if store_id is not None:
        query = query.filter(store_id=store_id)
    return query
