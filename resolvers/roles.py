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


async def audit_log(info, *, first: int, after: str | None, action: str | None, store_id: Any):
    query = audit.audit_entries_query(
        info.context.principal, action=action, store_id=parse_optional_id(store_id, "storeId")
    )
    return await paginate(query, first=first, after=after)
