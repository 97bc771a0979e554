"""Brands are the tenants; the platform operator creates them from the CLI."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from franchise import audit, validation
from franchise.errors import DomainError, FranchiseErrorCode
from franchise.models import Brand, Staff
from franchise.passwords import hash_password
from policies import NotAuthorized, Principal, PrincipalKind, Role, authorize

PROFILE_FIELDS = ("name", "birthday", "gender")


async def create_brand(
    principal: Principal, *, slug: str, name: str, admin_email: str, admin_password: str,
    required_profile_fields: list[str] | None = None,
) -> tuple[Brand, Staff]:
    """A new tenant with its first hq_admin."""
    if principal.kind is not PrincipalKind.PLATFORM:
        raise NotAuthorized()
    values = {"slug": validation.slug(slug), "name": validation.text(name, "name", max_length=100)}
    required = list(required_profile_fields or [])
    unknown = set(required) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(
            FranchiseErrorCode.INVALID_INPUT, f"Unknown profile fields: {sorted(unknown)}.",
            "requiredProfileFields",
        )
    admin_email = validation.email(admin_email, "adminEmail")
    password_hash = hash_password(admin_password, "adminPassword")
    try:
        async with in_transaction():
            brand = await Brand.create(required_profile_fields=required, **values)
            admin = await Staff.create(
                brand=brand, email=admin_email, name="HQ admin",
                password_hash=password_hash, role=Role.HQ_ADMIN.value,
            )
            await audit.record(
                principal, brand_id=brand.id, action="brand.create", object_type="Brand",
                object_id=brand.id, changes={"slug": [None, brand.slug], "admin": [None, admin_email]},
            )
    except IntegrityError:
        raise DomainError(FranchiseErrorCode.SLUG_TAKEN, "A brand has this slug.", "slug") from None
    return brand, admin


async def get_brand(principal: Principal) -> Brand | None:
    authorize(principal, "brand", "read")
    return await Brand.filter(id=principal.brand_id).first()
