"""Members: enrolment, look-up within the caller's reach, and HQ's store transfer."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.channels.claims import claim_pending_points
from domain.members import access
from domain.members.errors import MemberErrorCode
from domain.members.models import Gender, Member, MemberSource
from domain.members.otp import check_code, find_brand
from domain.members.phones import normalise_phone
from domain.runtime import Runtime
from franchise import audit, validation
from franchise.errors import DomainError, FranchiseErrorCode, invalid
from franchise.models import Brand, Store
from franchise.stores import require_store
from policies import NotAuthorized, Principal, PrincipalKind, authorize, store_scope

REFERRAL_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud at a counter


@dataclass
class Enrolment:
    phone: str
    home_store_id: int | None = None
    name: str | None = None
    birthday: date | None = None
    gender: Gender | None = None
    source: MemberSource | None = None
    referral_code: str | None = None


def new_referral_code() -> str:
    return "".join(secrets.choice(REFERRAL_ALPHABET) for _ in range(8))


def check_profile(brand: Brand, enrolment: Enrolment) -> dict:
    values = {
        "name": validation.text(enrolment.name, "name", max_length=100, required=False),
        "birthday": enrolment.birthday,
        "gender": enrolment.gender,
    }
    for field_name in brand.required_profile_fields:
        if values.get(field_name) is None:
            raise DomainError(
                FranchiseErrorCode.REQUIRED,
                f"The brand asks for {field_name} at enrolment.", field_name,
            )
    if enrolment.birthday and not date(1900, 1, 1) <= enrolment.birthday <= date.today():
        raise invalid("A birthday is a past date.", "birthday")
    return values


async def create_member(brand: Brand, enrolment: Enrolment, *, home_store_id: int,
                        source: MemberSource, referrer_id: int | None,
                        registered_by_staff_id: int | None = None) -> Member:
    """Insert a checked enrolment; PHONE_TAKEN when the brand already has that phone, also
    when another request enrols it at the same moment (the unique index decides)."""
    values = check_profile(brand, enrolment)
    phone = normalise_phone(enrolment.phone, brand.phone_region)
    for _ in range(3):
        try:
            async with in_transaction():
                member = await Member.create(
                    brand_id=brand.id, phone=phone, home_store_id=home_store_id, source=source,
                    referral_code=new_referral_code(), referred_by_id=referrer_id,
                    registered_by_staff_id=registered_by_staff_id, **values,
                )
        except IntegrityError:
            if await Member.filter(brand_id=brand.id, phone=phone).exists():
                raise DomainError(
                    MemberErrorCode.PHONE_TAKEN, "This phone is already a member of the brand.", "phone"
                ) from None
            continue  # the referral code collided (1 in 10^12): draw another
        # The phone's pending channel points, with their original dates (一键同步历史积分).
        await claim_pending_points(member)
        return member
    raise RuntimeError("could not draw a unique referral code")


async def _referrer_id(brand_id: int, code: str | None) -> int | None:
    if not code:
        return None
    code = code.strip().upper()
    # A code we never issue (too long for the column, other characters) is simply not found.
    valid = len(code) <= 12 and all(c in REFERRAL_ALPHABET for c in code)
    referrer = await Member.filter(brand_id=brand_id, referral_code=code).first() if valid else None
    if referrer is None:
        raise DomainError(MemberErrorCode.INVALID_REFERRAL_CODE, "No member has this referral code.", "referralCode")
    return referrer.id


async def register_member(principal: Principal, enrolment: Enrolment) -> Member:
    """Staff at a store, a partner with members:write, within their stores."""
    if principal.kind is PrincipalKind.MEMBER:
        raise NotAuthorized()
    home_store_id = enrolment.home_store_id
    if home_store_id is None and principal.store_id is not None:
        home_store_id = principal.store_id  # a clerk enrols into its own store by default
    authorize(principal, "member", "register", store_id=home_store_id)
    store = await require_store(principal, home_store_id, "homeStoreId")
    brand = await Brand.get(id=store.brand_id)
    default_source = MemberSource.PARTNER if principal.kind is PrincipalKind.API_CLIENT else MemberSource.STORE_COUNTER
    referrer = await _referrer_id(brand.id, enrolment.referral_code)
    return await create_member(
        brand, enrolment, home_store_id=store.id, referrer_id=referrer,
        source=enrolment.source or (MemberSource.REFERRAL if referrer else default_source),
        # The enrolling staff member: a shopping guide's new member (domain/guides/reports.py).
        registered_by_staff_id=principal.staff_id if principal.kind is PrincipalKind.STAFF else None,
    )


async def enrol_self(runtime: Runtime, *, brand_slug: str, code: str, enrolment: Enrolment) -> Member:
    """Self-enrolment in the mini-program: the one-time code proves the phone is theirs."""
    brand = await find_brand(brand_slug)
    if not code:
        raise DomainError(
            MemberErrorCode.VERIFICATION_REQUIRED, "Ask for a code with requestMemberCode first.", "verificationCode"
        )
    # The shop the member scanned; any store of the brand is a valid home.
    store = await Store.filter(id=enrolment.home_store_id or 0, brand_id=brand.id, active=True).first()
    if store is None:
        raise DomainError(FranchiseErrorCode.STORE_NOT_FOUND, "Scan a store's code to enrol.", "homeStoreId")
    phone = normalise_phone(enrolment.phone, brand.phone_region)
    check_profile(brand, enrolment)
    referrer = await _referrer_id(brand.id, enrolment.referral_code)
    await check_code(runtime, brand=brand, phone=phone, code=code, consume=True)
    source = MemberSource.REFERRAL if referrer else (enrolment.source or MemberSource.MINI_PROGRAM)
    return await create_member(brand, enrolment, home_store_id=store.id, source=source, referrer_id=referrer)


async def member_by_phone(principal: Principal, phone: str) -> Member | None:
    if not principal.is_authenticated:
        access.check_member_readable(principal, None)
    brand = await Brand.get(id=principal.brand_id)
    normal = normalise_phone(phone, brand.phone_region)
    member = await Member.filter(brand_id=brand.id, phone=normal).first()
    return access.check_member_readable(principal, member)


@dataclass
class MemberFilter:
    home_store_id: int | None = None
    search: str | None = None
    source: MemberSource | None = None
    joined_after: datetime | None = None
    joined_before: datetime | None = None


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def members_query(principal: Principal, member_filter: MemberFilter):
    """The members a caller may list; a store role gets its own store's, whatever it asks."""
    if principal.kind is PrincipalKind.MEMBER:
        raise NotAuthorized()
    authorize(principal, "member", "read")
    query = Member.filter(brand_id=principal.brand_id)
    scope = store_scope(principal)
    if scope is not None:
        query = query.filter(home_store_id__in=list(scope))
    f = member_filter
    if f.home_store_id is not None:
        query = query.filter(home_store_id=f.home_store_id)
    if f.source is not None:
        query = query.filter(source=f.source)
    # Bound in UTC: SQLite compares datetimes as the UTC text it stores.
    if f.joined_after is not None:
        query = query.filter(created_at__gte=_utc(f.joined_after))
    if f.joined_before is not None:
        query = query.filter(created_at__lt=_utc(f.joined_before))
    if f.search:
        term = validation.text(f.search, "search", max_length=50)
        if term.isdigit():
            query = query.filter(phone__endswith=term)  # the last digits a customer reads out
        else:
            query = query.filter(name__icontains=term)
    return query


async def transfer_member(principal: Principal, *, member_id: int, home_store_id: int, reason: str) -> Member:
    """HQ moves a member to another home store (归属门店变更); audited."""
    authorize(principal, "member", "transfer")
    reason = validation.text(reason, "reason", max_length=200)
    store = await require_store(principal, home_store_id, "homeStoreId")
    async with in_transaction():
        member = await Member.filter(id=member_id, brand_id=principal.brand_id).select_for_update().first()
        if member is None:
            raise DomainError(MemberErrorCode.MEMBER_NOT_FOUND, "No such member.", "memberId")
        if member.home_store_id == store.id:
            raise DomainError(MemberErrorCode.SAME_STORE, "The member already belongs to this store.", "homeStoreId")
        before = member.home_store_id
        member.home_store_id = store.id
        await member.save(update_fields=["home_store_id"])
        await audit.record(
            principal, brand_id=member.brand_id, action="member.transfer", object_type="Member",
            object_id=member.id, store_id=store.id,
            changes={"homeStoreId": [before, store.id], "reason": reason},
        )
    return member
