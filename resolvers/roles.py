"""Role permissions (HQ admin) and the audit trail."""

from __future__ import annotations

from typing import Any

from franchise import audit, roles
from resolvers.errors import attempt, parse_optional_id
from resolvers.pagination import paginate


async def role_permissions(info) -> list:
    return await roles.role_permissions(info.context.principal)


async def grant_role_permission(info, input: Any) -> dict:
    async def work():
        rule = await roles.grant_role_permission(
            info.context.principal, role=input.role.value, obj=input.object, act=input.action
        )
        return {"permission": rule}

    return await attempt(work())


async def revoke_role_permission(info, input: Any) -> dict:
    async def work():
        removed = await roles.revoke_role_permission(
            info.context.principal, role=input.role.value, obj=input.object, act=input.action
        )
        return {"revoked": removed}

    return await attempt(work())


async def audit_log(info, *, first: int, after: str | None, audit_filter: Any, action: str | None,
                    store_id: Any):
    f = audit_filter
    query = audit.audit_entries_query(info.context.principal, audit.AuditFilter(
        actor=f.actor if f else None,
        action=(f.action if f else None) or action,
        object_type=f.object_type if f else None,
        object_id=f.object_id if f else None,
        store_id=parse_optional_id((f.store_id if f else None) or store_id, "storeId"),
        since=f.since if f else None,
        until=f.until if f else None,
    ))
    return await paginate(query, first=first, after=after)
