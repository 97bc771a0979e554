"""Members: enrolment, look-ups and lists within the caller's reach, transfer, import."""

from __future__ import annotations

from typing import Any

from domain.members import access, service
from domain.members.imports import ImportRow, import_members as run_import
from domain.members.models import Gender, Member, MemberSource
from franchise.errors import DomainError
from policies import PrincipalKind
from resolvers.errors import attempt, parse_id, parse_optional_id, user_error
from resolvers.pagination import paginate


def _enrolment(input: Any) -> service.Enrolment:
    return service.Enrolment(
        phone=input.phone,
        home_store_id=parse_optional_id(getattr(input, "home_store_id", None), "homeStoreId"),
        name=input.name,
        birthday=input.birthday,
        gender=Gender(input.gender.value) if input.gender else None,
        source=MemberSource(input.source.value) if getattr(input, "source", None) else None,
        referral_code=getattr(input, "referral_code", None),
    )


async def register_member(info, input: Any) -> dict:
    ctx = info.context

    async def work():
        enrolment = _enrolment(input)
        if ctx.principal.kind is PrincipalKind.ANONYMOUS and input.brand_slug:
            member = await service.enrol_self(
                ctx.runtime, brand_slug=input.brand_slug, code=input.verification_code, enrolment=enrolment
            )
            token = ctx.tokens.issue(kind="member", subject_id=member.id, brand_id=member.brand_id)
            return {"member": member, "token": token}
        return {"member": await service.register_member(ctx.principal, enrolment), "token": None}

    return await attempt(work())


async def member(info, id: Any) -> Member | None:
    """By id, batched, so `_entities` with many members costs one query; same rules either way."""
    principal = info.context.principal
    found = await info.context.loaders.member_by_id.load(parse_id(id, "id"))
    if found is not None and found.brand_id != principal.brand_id:
        found = None
    return access.check_member_readable(principal, found)


async def member_by_phone(info, phone: str) -> Member | None:
    return await service.member_by_phone(info.context.principal, phone)


async def members(info, filter: Any, first: int, after: str | None):
    member_filter = service.MemberFilter()
    if filter is not None:
        member_filter = service.MemberFilter(
            home_store_id=parse_optional_id(filter.home_store_id, "homeStoreId"),
            search=filter.search,
            source=MemberSource(filter.source.value) if filter.source else None,
            joined_after=filter.joined_after,
            joined_before=filter.joined_before,
        )
    query = service.members_query(info.context.principal, member_filter)
    return await paginate(query, first=first, after=after)


async def transfer_member(info, input: Any) -> dict:
    async def work():
        moved = await service.transfer_member(
            info.context.principal, member_id=parse_id(input.member_id, "memberId"),
            home_store_id=parse_id(input.home_store_id, "homeStoreId"), reason=input.reason,
        )
        return {"member": moved}

    return await attempt(work())


def _import_row(row: Any) -> ImportRow:
    try:
        return ImportRow(enrolment=_enrolment(row), home_store_code=row.home_store_code,
                         opening_points=row.opening_points)
    except DomainError as error:  # this row's fault only: the other rows still import
        return ImportRow(enrolment=service.Enrolment(phone=row.phone), error=error)


async def import_members(info, input: Any) -> dict:
    async def work():
        rows = [_import_row(row) for row in input.rows]
        results = await run_import(info.context.principal, rows)
        return {
            "results": [
                {"row": r.row, "member_id": r.member_id, "error": user_error(r.error) if r.error else None}
                for r in results
            ],
            "imported": sum(1 for r in results if r.error is None),
            "failed": sum(1 for r in results if r.error is not None),
        }

    return await attempt(work())


def phone(info, member: Member) -> str:
    context = info.context
    show = context.memo("phone_formatter", lambda: access.phone_formatter(context.principal))
    return show(member)


async def home_store(info, member: Member):
    return await info.context.loaders.store_by_id.load(member.home_store_id)

