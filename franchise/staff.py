"""Staff accounts: HQ manages roles; a store manager may add clerks to its own store."""

from __future__ import annotations

import asyncio

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from franchise import audit, validation
from franchise.errors import DomainError, FranchiseErrorCode
from franchise.models import Brand, Staff
from franchise.passwords import hash_password, verify_password
from franchise.stores import require_store
from policies import NotAuthorized, Principal, Role, authorize, authorize_store, may


def parse_role(value: str, field: str = "role") -> Role:
    try:
        return Role(value)
    except ValueError:
        raise DomainError(FranchiseErrorCode.INVALID_ROLE, f"Unknown role {value!r}.", field) from None


async def _check_placement(principal: Principal, role: Role, store_id: int | None) -> int | None:
    """Store roles belong to one store of the brand; HQ roles to none."""
    if role.is_store_role:
        store = await require_store(principal, store_id)
        return store.id
    if store_id is not None:
        raise DomainError(FranchiseErrorCode.INVALID_INPUT, "HQ roles have no store.", "storeId")
    return None


async def create_staff(
    principal: Principal, *, email: str, name: str, password: str, role: str,
    store_id: int | None = None,
) -> Staff:
    wanted = parse_role(role)
    # A manager may only add clerks, and only to its own store; HQ admin may add anyone.
    if may(principal, "staff", "create"):
        authorize(principal, "staff", "create")
    else:
        authorize(principal, "staff", "create_clerk", store_id=store_id)
        if wanted is not Role.STORE_CLERK:
            raise NotAuthorized()
    placed_store = await _check_placement(principal, wanted, store_id)
    values = {
        "email": validation.email(email),
        "name": validation.text(name, "name", max_length=100),
        "password_hash": hash_password(password),
    }
    try:
        async with in_transaction():
            staff = await Staff.create(
                brand_id=principal.brand_id, store_id=placed_store, role=wanted.value, **values
            )
            await audit.record(
                principal, brand_id=staff.brand_id, action="staff.create", object_type="Staff",
                object_id=staff.id, store_id=placed_store,
                changes={"email": [None, staff.email], "role": [None, staff.role],
                         "storeId": [None, placed_store]},
            )
    except IntegrityError:
        raise DomainError(
            FranchiseErrorCode.EMAIL_TAKEN, "A staff member of the brand has this e-mail.", "email"
        ) from None
    return staff


def _check_clerk_change(principal: Principal, staff: Staff | None, *, role: str | None, store_id: int | None) -> None:
    """A manager touches clerks of its own store, and only their active flag."""
    if staff is None or staff.role != Role.STORE_CLERK.value:
        raise NotAuthorized()
    authorize_store(principal, staff.store_id)
    if (role and role != staff.role) or (store_id is not None and store_id != staff.store_id):
        raise NotAuthorized()


async def update_staff_role(
    principal: Principal, *, staff_id: int, role: str | None = None,
    store_id: int | None = None, active: bool | None = None,
) -> Staff:
    """HQ admin changes a role, a store or deactivates; a store manager may only switch its own
    store's clerks off and on. Either applies at the staff's next request."""
    hq = may(principal, "staff", "update_role")
    if not hq:
        authorize(principal, "staff", "manage_clerk")
    async with in_transaction():
        staff = await Staff.filter(id=staff_id, brand_id=principal.brand_id).select_for_update().first()
        if not hq:
            _check_clerk_change(principal, staff, role=role, store_id=store_id)
        if staff is None:
            raise DomainError(FranchiseErrorCode.STAFF_NOT_FOUND, "No such staff member.", "staffId")
        if staff.id == principal.staff_id and (active is False or (role and role != staff.role)):
            raise DomainError(
                FranchiseErrorCode.INVALID_INPUT, "You cannot demote or deactivate yourself.", "staffId"
            )
        before = {"role": staff.role, "storeId": staff.store_id, "active": staff.active}
        new_role = parse_role(role) if role else Role(staff.role)
        wanted_store = store_id if store_id is not None else staff.store_id
        staff.store_id = await _check_placement(
            principal, new_role, wanted_store if new_role.is_store_role else store_id
        )
        staff.role = new_role.value
        if active is not None:
            staff.active = active
        await staff.save()
        after = {"role": staff.role, "storeId": staff.store_id, "active": staff.active}
        if changed := audit.diff(before, after):
            await audit.record(
                principal, brand_id=staff.brand_id, action="staff.update_role",
                object_type="Staff", object_id=staff.id, changes=changed, store_id=staff.store_id,
            )
    return staff


async def authenticate_staff(*, brand_slug: str, email: str, password: str) -> Staff:
    """The staff member these credentials belong to; one error for every wrong detail."""
    brand = await brand_by_slug(brand_slug)
    email = (email or "").strip().lower()
    staff = None
    if brand is not None and len(email) <= 254 and "\x00" not in email:
        staff = await Staff.filter(brand_id=brand.id, email=email).first()
    # argon2 costs a few hundred milliseconds of CPU: verify off the event loop, so one sign-in
    # does not stall every other request of the process.
    valid = await asyncio.to_thread(verify_password, staff.password_hash if staff else None, password or "")
    if not valid or not (staff and staff.active):
        raise DomainError(
            FranchiseErrorCode.INVALID_CREDENTIALS, "Wrong brand, e-mail or password.", None
        )
    return staff


async def staff_principal(staff_id: int) -> Principal | None:
    """The caller a staff token stands for, read fresh so role changes apply at once."""
    staff = await Staff.filter(id=staff_id, active=True).first()
    if staff is None:
        return None
    return Principal.staff(
        staff_id=staff.id, brand_id=staff.brand_id, role=Role(staff.role), store_id=staff.store_id
    )


async def brand_by_slug(slug: str | None) -> Brand | None:
    """None also for what cannot be a slug (too long, odd characters): never worth a query."""
    slug = (slug or "").strip().lower()
    if not validation.SLUG_RE.match(slug):
        return None
    return await Brand.filter(slug=slug).first()
