"""Members' notification opt-outs: per channel, and from marketing (service notices, such as a
points-expiry reminder, still reach a member who opted out of marketing only). A member sets
its own; HQ may read them. The outbox writers honour them (automations exclude opted-out
members in SQL and count them)."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from domain.members.errors import MemberErrorCode
from domain.members.models import Member
from domain.notifications.models import NotificationChannel, NotificationPreference
from franchise.errors import DomainError
from policies import NotAuthorized, Principal, PrincipalKind, authorize

# The preference column that opts a member out of a channel; the brand webhook has none.
CHANNEL_COLUMNS = {
    NotificationChannel.SMS: "sms_opt_out",
    NotificationChannel.WECHAT: "wechat_opt_out",
    NotificationChannel.APP_PUSH: "app_push_opt_out",
}
COLUMNS = ("sms_opt_out", "wechat_opt_out", "app_push_opt_out", "marketing_opt_out")


@dataclass
class Preferences:
    member_id: int
    sms_opt_out: bool = False
    wechat_opt_out: bool = False
    app_push_opt_out: bool = False
    marketing_opt_out: bool = False


def opted_out(brand_id: int, channel: NotificationChannel | str, marketing: bool):
    """The preference rows of members who must not get a notice of this channel and kind."""
    refusals = []
    column = CHANNEL_COLUMNS.get(NotificationChannel(channel))
    if column:
        refusals.append(Q(**{column: True}))
    if marketing:
        refusals.append(Q(marketing_opt_out=True))
    if not refusals:
        return NotificationPreference.filter(brand_id=brand_id, id=-1)  # nobody
    return NotificationPreference.filter(brand_id=brand_id).filter(Q(*refusals, join_type="OR"))


async def _member_of(principal: Principal, member_id: int | None) -> int:
    if principal.kind is PrincipalKind.MEMBER:
        if member_id is not None and member_id != principal.member_id:
            raise NotAuthorized()
        return principal.member_id
    if member_id is None or not await Member.filter(id=member_id, brand_id=principal.brand_id).exists():
        raise DomainError(MemberErrorCode.MEMBER_NOT_FOUND, "No such member.", "memberId")
    return member_id


async def get_preferences(principal: Principal, member_id: int | None = None) -> Preferences:
    """A member reads its own; HQ reads any member's of its brand."""
    if principal.kind is PrincipalKind.MEMBER:
        authorize(principal, "notification_preferences", "read_self")
    else:
        authorize(principal, "notification_preferences", "read")
    member_id = await _member_of(principal, member_id)
    row = await NotificationPreference.filter(member_id=member_id).values(*COLUMNS)
    return Preferences(member_id=member_id, **(row[0] if row else {}))


async def update_preferences(principal: Principal, **changes: bool | None) -> Preferences:
    """The member itself only; unnamed opt-outs keep their value."""
    authorize(principal, "notification_preferences", "update_self")
    if principal.kind is not PrincipalKind.MEMBER:
        raise NotAuthorized()
    given = {name: bool(value) for name, value in changes.items() if name in COLUMNS and value is not None}
    async with in_transaction():
        row = await NotificationPreference.filter(member_id=principal.member_id).select_for_update().first()
        if row is None:
            try:
                async with in_transaction():  # a savepoint: the member's other request may create it first
                    row = await NotificationPreference.create(brand_id=principal.brand_id,
                                                              member_id=principal.member_id, **given)
            except IntegrityError:
                row = await NotificationPreference.filter(member_id=principal.member_id).select_for_update().first()
        row.update_from_dict(given)
        await row.save()
    return Preferences(member_id=principal.member_id, **{c: getattr(row, c) for c in COLUMNS})
