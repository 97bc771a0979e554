"""Build a brand's world directly through the services, and tokens to call the API with."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from domain.members.models import Member, MemberSource
from domain.members.service import Enrolment, create_member
from franchise import api_clients, brands, staff as staff_service, stores
from franchise.models import Brand, Staff, Store
from policies import Principal, Role

PASSWORD = "correct-horse-battery"
_numbers = itertools.count(1)


def next_phone() -> str:
    return f"+86137{next(_numbers):08d}"


def hq(admin: Staff) -> Principal:
    return Principal.staff(staff_id=admin.id, brand_id=admin.brand_id, role=Role.HQ_ADMIN, store_id=None)


async def make_brand(slug: str = "acme", **kwargs) -> tuple[Brand, Staff]:
    return await brands.create_brand(
        Principal.platform(), slug=slug, name=slug.title(), admin_email=f"admin@{slug}.test",
        admin_password=PASSWORD, **kwargs,
    )


async def make_store(admin: Staff, code: str, city: str = "Shanghai") -> Store:
    return await stores.create_store(hq(admin), code=code, name=f"Store {code}", city=city)


async def make_staff(admin: Staff, role: Role, store: Store | None = None, email: str | None = None) -> Staff:
    return await staff_service.create_staff(
        hq(admin), email=email or f"{role.value}.{next(_numbers)}@staff.test", name=role.value,
        password=PASSWORD, role=role.value, store_id=store.id if store else None,
    )


async def make_member(brand: Brand, store: Store, phone: str | None = None, name: str = "Li Lei") -> Member:
    return await create_member(
        brand, Enrolment(phone=phone or next_phone(), name=name), home_store_id=store.id,
        source=MemberSource.STORE_COUNTER, referrer_id=None,
    )


async def make_api_client(admin: Staff, scopes: list[str], store_ids: list[int] | None = None) -> str:
    _, key = await api_clients.create_api_client(hq(admin), name="POS", scopes=scopes, store_ids=store_ids)
    return key


@dataclass
class World:
    """Two brands; the first with stores A and B and a caller of every kind.

    `tokens` maps caller names to bearer credentials; "anonymous" maps to None."""

    brand: Brand
    admin: Staff
    store_a: Store
    store_b: Store
    member_a: Member
    member_b: Member
    other_brand: Brand
    other_admin: Staff
    other_store: Store
    other_member: Member
    tokens: dict[str, str | None] = field(default_factory=dict)


async def make_world(issuer) -> World:
    brand, admin = await make_brand("acme")
    store_a = await make_store(admin, "A")
    store_b = await make_store(admin, "B", city="Hangzhou")
    operator = await make_staff(admin, Role.HQ_OPERATOR)
    manager_a = await make_staff(admin, Role.STORE_MANAGER, store_a)
    manager_b = await make_staff(admin, Role.STORE_MANAGER, store_b)
    clerk_a = await make_staff(admin, Role.STORE_CLERK, store_a)
    member_a = await make_member(brand, store_a, name="Han Meimei")
    member_b = await make_member(brand, store_b, name="Wei Hua")
    partner = await make_api_client(admin, ["members:read", "members:write"])
    other_brand, other_admin = await make_brand("rival")
    other_store = await make_store(other_admin, "A")
    other_member = await make_member(other_brand, other_store)

    def staff_token(s: Staff) -> str:
        return issuer.issue(kind="staff", subject_id=s.id, brand_id=s.brand_id)

    tokens = {
        "anonymous": None,
        "member": issuer.issue(kind="member", subject_id=member_a.id, brand_id=brand.id),
        "clerk_a": staff_token(clerk_a),
        "manager_a": staff_token(manager_a),
        "manager_b": staff_token(manager_b),
        "hq_operator": staff_token(operator),
        "hq_admin": staff_token(admin),
        "partner": partner,
        "other_admin": staff_token(other_admin),
    }
    return World(brand, admin, store_a, store_b, member_a, member_b, other_brand, other_admin,
                 other_store, other_member, tokens)
