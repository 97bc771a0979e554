"""What each role may do in the brand, and the audit trail of configuration changes."""

from __future__ import annotations

import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from resolvers import roles as resolvers
from schema.common import PageInfo, UserError
from schema.franchise import Role


@strawberry.type(description="One permission of a role: `*` scope rules are the platform defaults.")
class RolePermission:
    role: str
    scope: str = strawberry.field(description='"*" for the platform default, else "brand:<id>".')
    object: str
    action: str


def permission_from_rule(rule) -> RolePermission:
    return RolePermission(role=rule.v0, scope=rule.v1, object=rule.v2, action=rule.v3)


@strawberry.input
class RolePermissionInput:
    role: Role  # type: ignore[valid-type]
    object: str
    action: str


@strawberry.type
class GrantRolePermissionPayload:
    permission: RolePermission | None = None
    errors: list[UserError]


@strawberry.type
class RevokeRolePermissionPayload:
    revoked: bool = False
    errors: list[UserError]


@strawberry.type
class AuditEntry:
    id: strawberry.ID
    actor: str = strawberry.field(description='"staff:12", "api_client:3", "platform".')
    actor_role: str | None = strawberry.field(
        description="The actor's role when it acted: hq_admin, hq_operator, store_manager, store_clerk, "
        "member, api_client or platform (null on entries older than the field).")
    action: str
    object_type: str
    object_id: str
    store_id: strawberry.ID | None
    changes: JSON = strawberry.field(description="{field: [before, after]}")
    created_at: datetime.datetime


@strawberry.type
class AuditEntryEdge:
    cursor: str
    node: AuditEntry


@strawberry.type
class AuditEntryConnection:
    edges: list[AuditEntryEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input(description="Narrows the audit trail; every field is optional and they combine.")
class AuditLogFilter:
    actor: str | None = strawberry.field(default=None, description='Exactly, e.g. "staff:12".')
    action: str | None = strawberry.field(default=None, description='e.g. "points.adjust".')
    object_type: str | None = strawberry.field(default=None, description='e.g. "Store", "Member".')
    object_id: str | None = None
    store_id: strawberry.ID | None = None
    since: datetime.datetime | None = strawberry.field(default=None, description="Inclusive; UTC without an offset.")
    until: datetime.datetime | None = strawberry.field(default=None, description="Exclusive; UTC without an offset.")


@strawberry.type
class RolesQuery:
    @strawberry.field(description="The permissions of every role in the caller's brand (HQ).")
    async def role_permissions(self, info: Info) -> list[RolePermission]:
        return [permission_from_rule(r) for r in await resolvers.role_permissions(info)]

    @strawberry.field(description="Configuration changes and manual adjustments, newest first (hq_admin).")
    async def audit_log(
        self, info: Info, filter: AuditLogFilter | None = None, first: int = 20, after: str | None = None,
        action: Annotated[str | None, strawberry.argument(deprecation_reason="Use filter.action.")] = None,
        store_id: Annotated[strawberry.ID | None, strawberry.argument(deprecation_reason="Use filter.storeId.")] = None,
    ) -> AuditEntryConnection:
        return await resolvers.audit_log(info, first=first, after=after, audit_filter=filter, action=action,
                                         store_id=store_id)


@strawberry.type
class RolesMutation:
    @strawberry.mutation(description="HQ admin grants a role a permission in its brand; applies at once.")
    async def grant_role_permission(
        self, info: Info, input: RolePermissionInput
    ) -> GrantRolePermissionPayload:
        result = await resolvers.grant_role_permission(info, input)
        if result.get("permission") is not None:
            result["permission"] = permission_from_rule(result["permission"])
        return GrantRolePermissionPayload(**result)

    @strawberry.mutation(description="HQ admin withdraws a permission it granted in its brand.")
    async def revoke_role_permission(
        self, info: Info, input: RolePermissionInput
    ) -> RevokeRolePermissionPayload:
        return RevokeRolePermissionPayload(**await resolvers.revoke_role_permission(info, input))
