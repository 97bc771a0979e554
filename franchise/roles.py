"""HQ admin tunes what each role may do in its brand, on top of the platform defaults.

Rules live in the Casbin table with the brand as domain; a change reloads this process's
enforcer and, through the watcher, every other process's."""

from __future__ import annotations

from franchise import audit, validation
from franchise.errors import DomainError, FranchiseErrorCode
from policies import Principal, Role, authorize, enforcer
from policies.storage import DEFAULT_DOMAIN, CasbinRule

# What only hq_admin may ever do (DESIGN.md): no brand rule may hand these to another role.
RESERVED = {
    ("points.rules", "update"), ("tiers", "update"), ("points", "adjust"),
    ("staff", "create"), ("staff", "update_role"), ("api_client", "create"),
    ("api_client", "revoke"), ("policy", "update"), ("member", "transfer"),
}
GRANTABLE_ROLES = (Role.HQ_OPERATOR, Role.STORE_MANAGER, Role.STORE_CLERK)


def _check(role: str, obj: str, act: str) -> tuple[str, str, str]:
    try:
        wanted = Role(role)
    except ValueError:
        raise DomainError(FranchiseErrorCode.INVALID_ROLE, f"Unknown role {role!r}.", "role") from None
    if wanted not in GRANTABLE_ROLES:
        raise DomainError(FranchiseErrorCode.INVALID_ROLE, "hq_admin may do everything already.", "role")
    obj = validation.text(obj, "object", max_length=64)
    act = validation.text(act, "action", max_length=64)
    if "*" in (obj, act) or (obj, act) in RESERVED or obj == "*":
        raise DomainError(
            FranchiseErrorCode.RESERVED_PERMISSION, "Only hq_admin may do this; it cannot be granted.", "object"
        )
    return wanted.value, obj, act


async def role_permissions(principal: Principal) -> list[CasbinRule]:
    """The platform defaults and the brand's own rules, for the HQ console."""
    authorize(principal, "policy", "read")
    return await CasbinRule.filter(
        ptype="p", v1__in=[DEFAULT_DOMAIN, f"brand:{principal.brand_id}"]
    ).order_by("v0", "v2", "v3")


async def grant_role_permission(principal: Principal, *, role: str, obj: str, act: str) -> CasbinRule:
    authorize(principal, "policy", "update")
    role, obj, act = _check(role, obj, act)
    rule, created = await CasbinRule.get_or_create(
        ptype="p", v0=role, v1=f"brand:{principal.brand_id}", v2=obj, v3=act
    )
    if created:
        await audit.record(
            principal, brand_id=principal.brand_id, action="policy.grant", object_type="RolePermission",
            object_id=f"{role}:{obj}:{act}", changes={"granted": [False, True]},
        )
        await enforcer.policy_changed()
    return rule


async def revoke_role_permission(principal: Principal, *, role: str, obj: str, act: str) -> bool:
    """Removes a brand's own grant; the platform defaults are not the brand's to remove."""
    authorize(principal, "policy", "update")
    role, obj, act = _check(role, obj, act)
    deleted = await CasbinRule.filter(
        ptype="p", v0=role, v1=f"brand:{principal.brand_id}", v2=obj, v3=act
    ).delete()
    if deleted:
        await audit.record(
            principal, brand_id=principal.brand_id, action="policy.revoke", object_type="RolePermission",
            object_id=f"{role}:{obj}:{act}", changes={"granted": [True, False]},
        )
        await enforcer.policy_changed()
    return bool(deleted)
