"""Who may see which member: itself, its home store's staff, HQ, partners by scope."""

from __future__ import annotations

from collections.abc import Callable

from domain.members.models import Member
from domain.members.phones import mask_phone
from policies import NotAuthenticated, NotAuthorized, Principal, PrincipalKind, authorize, may, store_scope


def check_member_readable(principal: Principal, member: Member | None) -> Member | None:
    """The member if the caller may read it, None if it does not exist and the caller reads
    brand-wide; FORBIDDEN otherwise, and also for a missing member when the caller is confined
    to some stores or to itself, so a denial never tells whether the member exists."""
    if not principal.is_authenticated:
        raise NotAuthenticated(principal.credential_error)
    if principal.kind is PrincipalKind.MEMBER:
        authorize(principal, "member", "read_self")
        if member is None or member.id != principal.member_id:
            raise NotAuthorized()
        return member
    authorize(principal, "member", "read")
    scope = store_scope(principal)
    if scope is not None and (member is None or member.home_store_id not in scope):
        raise NotAuthorized()
    return member


def phone_formatter(principal: Principal) -> Callable[[Member], str]:
    """How this caller sees members' phones: decided once, then applied to every row."""
    if principal.kind is PrincipalKind.MEMBER:
        return lambda member: member.phone if member.id == principal.member_id else mask_phone(member.phone)
    if may(principal, "member", "read_phone"):
        return lambda member: member.phone
    return lambda member: mask_phone(member.phone)
