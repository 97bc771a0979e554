"""Members: the brand's customers, each belonging to a home store."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.types import Info

from domain.members.models import Gender as GenderEnum
from domain.members.models import MemberSource as MemberSourceEnum
from resolvers import giftcards as giftcard_resolvers
from resolvers import guides as guide_resolvers
from resolvers import coupons as coupon_resolvers
from resolvers import mall as mall_resolvers
from resolvers import members as resolvers
from resolvers import paid_membership as paid_membership_resolvers
from resolvers import points as points_resolvers
from resolvers import segments as segment_resolvers
from resolvers import wallet as wallet_resolvers
from schema.common import PageInfo, UserError
from schema.coupons import CouponConnection, CouponStatus
from schema.franchise import Store
from schema.giftcards import GiftCardConnection
from schema.guides import Guide, GuideAssignmentConnection
from schema.mall import RedemptionConnection
from schema.points import PointsLedgerConnection
from schema.paid_membership import PaidMembership
from schema.segment_types import MemberRfm
from schema.tiers import TierLevel, TierProgress, current_level, progress_type
from schema.wallet import Wallet

Gender = strawberry.enum(GenderEnum, name="Gender")
MemberSource = strawberry.enum(MemberSourceEnum, name="MemberSource")


@strawberry.federation.type(keys=["id"], description="A member of the brand's loyalty programme.")
class Member:
    id: strawberry.ID
    name: str | None
    birthday: datetime.date | None
    gender: Gender | None  # type: ignore[valid-type]
    source: MemberSource  # type: ignore[valid-type]
    referral_code: str = strawberry.field(description="Share it: new members enrolled with it are linked.")
    created_at: datetime.datetime

    @strawberry.field(description="E.164; masked (+86138****8000) unless the caller may see it.")
    def phone(self, info: Info) -> str:
        return resolvers.phone(info, self)

    @strawberry.field(description="归属门店: the store whose member this is.")
    async def home_store(self, info: Info) -> Store:
        return await resolvers.home_store(info, self)

    @strawberry.field(description="The member's tier level (null before the first qualifying purchase).")
    async def tier(self, info: Info) -> TierLevel | None:
        return await current_level(info, self)

    @strawberry.field(description="The member's tier level and what the next one still needs.")
    async def tier_progress(self, info: Info) -> TierProgress:
        return await progress_type(info, self)

    @strawberry.field(description="The points balance.")
    async def points(self, info: Info) -> int:
        return (await points_resolvers.account(info, self)).balance

    @strawberry.field(description="Spent points a refund took back, settled by the next earnings first.")
    async def points_debt(self, info: Info) -> int:
        return (await points_resolvers.account(info, self)).debt

    @strawberry.field(description="Every point ever earned (purchases, tier welcome points), whatever was spent since.")
    async def lifetime_points(self, info: Info) -> int:
        return (await points_resolvers.account(info, self)).lifetime_earned

    @strawberry.field(description="The points ledger, newest first.")
    async def points_ledger(self, info: Info, first: int = 20, after: str | None = None) -> PointsLedgerConnection:
        return await points_resolvers.points_ledger(info, self, first, after)

    @strawberry.field(description="Points of the balance that expire within so many days (0-3660).")
    async def expiring_points(self, info: Info, within_days: int = 30) -> int:
        return await points_resolvers.expiring_points(info, self, within_days)

    @strawberry.field(description="The member's claimed gift cards, newest first (the member, and staff who may "
                      "read gift cards).")
    async def gift_cards(self, info: Info, first: int = 20, after: str | None = None) -> GiftCardConnection:
        return await giftcard_resolvers.member_gift_cards(info, self, first, after)  # type: ignore[return-value]
    @strawberry.field(description="The stored-value wallet; `storeId` tells what is usable at that store.")
    async def wallet(self, info: Info, store_id: strawberry.ID | None = None) -> Wallet:
        return await wallet_resolvers.member_wallet(info, self, store_id)  # type: ignore[return-value]

    @strawberry.field(description="The paid membership (付费会员卡), whatever its state; null if never bought.")
    async def paid_membership(self, info: Info) -> PaidMembership | None:
        return await paid_membership_resolvers.member_paid_membership(info, self)
    @strawberry.field(description="The member's coupons, newest first; by status if given.")
    async def coupons(self, info: Info, status: CouponStatus | None = None, first: int = 20,  # type: ignore[valid-type]
                      after: str | None = None) -> CouponConnection:
        return await coupon_resolvers.member_coupons(info, self, status, first, after)

    @strawberry.field(description="The member's points-mall redemptions, newest first.")
    async def redemptions(self, info: Info, first: int = 20, after: str | None = None) -> RedemptionConnection:
        return await mall_resolvers.member_redemptions(info, self, first, after)

    @strawberry.field(description="The shopping guide (导购) of the member's home store, if any.")
    async def guide(self, info: Info) -> Guide | None:
        return await guide_resolvers.member_guide(info, self)  # type: ignore[return-value]

    @strawberry.field(description="Who assigned which guide when, newest first.")
    async def guide_history(self, info: Info, first: int = 20, after: str | None = None) -> GuideAssignmentConnection:
        return await guide_resolvers.member_guide_history(info, self, first, after)  # type: ignore[return-value]
    @strawberry.field(description="Brand tags and, for store staff, their own store's tags (HQ sees every store's).")
    async def tags(self, info: Info) -> list[str]:
        return await segment_resolvers.member_tags(info, self)

    @strawberry.field(description="RFM scores and segment; null until the first computation.")
    async def rfm(self, info: Info) -> MemberRfm | None:
        return await segment_resolvers.member_rfm(info, self)

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Member | None:
        # The resolver returns a Tortoise row: cast it so the `_Entity` union can tell its type.
        return strawberry.cast(cls, await resolvers.member(info, id))


@strawberry.type
class MemberEdge:
    cursor: str
    node: Member


@strawberry.type
class MemberConnection:
    edges: list[MemberEdge]
    page_info: PageInfo
    total_count: int


@strawberry.input
class MemberFilter:
    home_store_id: strawberry.ID | None = None
    search: str | None = strawberry.field(
        default=None, description="Digits match the end of the phone; text matches the name."
    )
    source: MemberSource | None = None  # type: ignore[valid-type]
    joined_after: datetime.datetime | None = None
    joined_before: datetime.datetime | None = None


@strawberry.input
class RegisterMemberInput:
    phone: str
    home_store_id: strawberry.ID | None = strawberry.field(
        default=None, description="Defaults to a clerk's own store."
    )
    name: str | None = None
    birthday: datetime.date | None = None
    gender: Gender | None = None  # type: ignore[valid-type]
    source: MemberSource | None = None  # type: ignore[valid-type]
    referral_code: str | None = None
    brand_slug: str | None = strawberry.field(
        default=None, description="Self-enrolment (no credentials): the brand to join."
    )
    verification_code: str | None = strawberry.field(
        default=None, description="Self-enrolment: the code from requestMemberCode."
    )


@strawberry.type
class RegisterMemberPayload:
    member: Member | None = None
    token: str | None = strawberry.field(default=None, description="Self-enrolment: the member's token.")
    errors: list[UserError]


@strawberry.input
class TransferMemberInput:
    member_id: strawberry.ID
    home_store_id: strawberry.ID
    reason: str


@strawberry.type
class MemberPayload:
    member: Member | None = None
    errors: list[UserError]


@strawberry.input
class ImportMemberRow:
    phone: str
    name: str | None = None
    home_store_code: str | None = None
    home_store_id: strawberry.ID | None = None
    birthday: datetime.date | None = None
    gender: Gender | None = None  # type: ignore[valid-type]
    opening_points: int = strawberry.field(
        default=0, description="A balance carried over from a previous system (hq_admin only).")


@strawberry.input
class ImportMembersInput:
    rows: list[ImportMemberRow]


@strawberry.type
class ImportMemberResult:
    row: int = strawberry.field(description="0-based index of the row in the input.")
    member_id: strawberry.ID | None
    error: UserError | None


@strawberry.type
class ImportMembersPayload:
    results: list[ImportMemberResult] = strawberry.field(default_factory=list)
    imported: int = 0
    failed: int = 0
    errors: list[UserError]


@strawberry.type
class MembersQuery:
    @strawberry.field
    async def member(self, info: Info, id: strawberry.ID) -> Member | None:
        return await resolvers.member(info, id)

    @strawberry.field
    async def member_by_phone(self, info: Info, phone: str) -> Member | None:
        return await resolvers.member_by_phone(info, phone)

    @strawberry.field(description="Newest first; a store role sees its own store's members only.")
    async def members(
        self, info: Info, filter: MemberFilter | None = None, first: int = 20, after: str | None = None
    ) -> MemberConnection:
        return await resolvers.members(info, filter, first, after)


@strawberry.type
class MembersMutation:
    @strawberry.mutation(description="Enrol a member: store staff, a partner, or the person (with a code).")
    async def register_member(self, info: Info, input: RegisterMemberInput) -> RegisterMemberPayload:
        return RegisterMemberPayload(**await resolvers.register_member(info, input))

    @strawberry.mutation(description="HQ admin moves a member to another home store.")
    async def transfer_member(self, info: Info, input: TransferMemberInput) -> MemberPayload:
        return MemberPayload(**await resolvers.transfer_member(info, input))

    @strawberry.mutation(description="Bulk import (≤ 1,000 rows); each row is imported whole or reported.")
    async def import_members(self, info: Info, input: ImportMembersInput) -> ImportMembersPayload:
        result = await resolvers.import_members(info, input)
        result["results"] = [
            ImportMemberResult(
                row=r["row"], error=r["error"],
                member_id=strawberry.ID(str(r["member_id"])) if r["member_id"] else None,
            )
            for r in result.get("results", [])
        ]
        return ImportMembersPayload(**result)
