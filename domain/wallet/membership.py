"""Paid membership (付费会员卡): HQ sells a membership for a period with benefits beside the
tier (a discount, a points multiplier, an early-access tag). A renewal extends from the current
end; a job ends memberships that ran out; a refund within the plan's window ends it at once.
Every purchase, renewal, refund and expiry is a row of the membership ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from tortoise.exceptions import IntegrityError

from domain import events
from domain.members.models import Member, MemberTag, TagKind
from domain.points.rules import brand_timezone
from domain.wallet import gifts
from domain.wallet.common import brand_member, now_utc
from domain.wallet.errors import WalletErrorCode
from domain.wallet.models import MembershipLedgerKind, MembershipState, PaidMembership, PaidMembershipLedgerEntry, \
    PaidMembershipPlan, PeriodUnit
from franchise import audit, validation
from franchise.errors import DomainError, invalid
from franchise.stores import require_store
from policies import NotAuthorized, Principal, PrincipalKind, authorize, authorize_store, store_scope

JOB_ACTOR = "job:expire-paid-memberships"
PACK_JOB_ACTOR = "job:membership-coupon-packs"
COUPON_SOURCE = "PAID_MEMBERSHIP"
PLAN_FIELDS = ("name", "price_minor", "period_unit", "period_count", "discount_percent", "points_multiplier",
               "early_access_tag", "refund_window_days", "active", "coupon_template_ids")


@dataclass
class MembershipPlanInput:
    name: str
    price_minor: int
    period_unit: PeriodUnit
    period_count: int
    discount_percent: int = 0
    points_multiplier: str = "1"
    early_access_tag: str | None = None
    refund_window_days: int = 0
    active: bool = True
    coupon_template_ids: list[int] = field(default_factory=list)  # the pack: at purchase, then monthly


@dataclass
class MembershipResult:
    membership: PaidMembership
    entry: PaidMembershipLedgerEntry
    replayed: bool


async def _checked(brand_id: int, plan: MembershipPlanInput) -> dict:
    values = {f: getattr(plan, f) for f in PLAN_FIELDS}
    values["name"] = validation.text(plan.name, "name", max_length=100)
    if plan.price_minor <= 0:
        raise invalid("A membership has a price.", "price")
    high = 36 if plan.period_unit is PeriodUnit.MONTHS else 1100
    validation.bounded_int(plan.period_count, "periodCount", low=1, high=high)
    validation.bounded_int(plan.discount_percent, "discountPercent", low=0, high=90)
    validation.bounded_int(plan.refund_window_days, "refundWindowDays", low=0, high=365)
    try:
        multiplier = Decimal(str(plan.points_multiplier))
    except InvalidOperation:
        raise invalid("Not a multiplier.", "pointsMultiplier") from None
    if not Decimal(1) <= multiplier <= Decimal(10) or multiplier != multiplier.quantize(Decimal("0.01")):
        raise invalid("A multiplier is 1 to 10 with at most two decimals.", "pointsMultiplier")
    values["points_multiplier"] = str(multiplier)
    values["early_access_tag"] = validation.text(plan.early_access_tag, "earlyAccessTag", max_length=32,
                                                 required=False)
    values["coupon_template_ids"] = await gifts.checked_coupon_templates(brand_id, plan.coupon_template_ids,
                                                                         "couponTemplateIds")
    return values


def _snapshot(row: PaidMembershipPlan) -> dict:
    return {f: getattr(row, f).value if f == "period_unit" else getattr(row, f) for f in PLAN_FIELDS}


async def upsert_paid_membership_plan(principal: Principal, plan: MembershipPlanInput,
                                      plan_id: int | None = None) -> PaidMembershipPlan:
    authorize(principal, "paid_membership.plan", "write")
    values = await _checked(principal.brand_id, plan)
    async with events.atomic():
        if plan_id is None:
            row, before = await PaidMembershipPlan.create(brand_id=principal.brand_id, **values), {}
        else:
            row = await PaidMembershipPlan.filter(id=plan_id, brand_id=principal.brand_id).select_for_update().first()
            if row is None:
                raise DomainError(WalletErrorCode.MEMBERSHIP_PLAN_NOT_FOUND, "No such membership plan.", "id")
            before = _snapshot(row)
            row.update_from_dict(values)
            await row.save()
        if changed := audit.diff(before, _snapshot(row)):
            await audit.record(principal, brand_id=principal.brand_id, action="paid_membership.plan.upsert",
                               object_type="PaidMembershipPlan", object_id=row.id, changes=changed)
    return row


def period_end(plan: PaidMembershipPlan, start: datetime) -> datetime:
    if plan.period_unit is PeriodUnit.MONTHS:
        return start + relativedelta(months=plan.period_count)
    return start + timedelta(days=plan.period_count)


async def _authorize_purchase(principal: Principal, member_id: int, store_id: int | None) -> int | None:
    """A member buys for itself and HQ sells without a store if need be; store staff at their store."""
    if principal.kind is PrincipalKind.MEMBER:
        authorize(principal, "paid_membership", "purchase_self")
        if principal.member_id != member_id:
            raise NotAuthorized()
        if store_id is not None:
            await require_store(principal, store_id)
        return store_id
    authorize(principal, "paid_membership", "purchase", store_id=store_id)
    if store_id is None and store_scope(principal) is None:
        return None  # HQ sells it without a store (e.g. online)
    return (await require_store(principal, store_id)).id


async def purchase_paid_membership(principal: Principal, *, member_id: int, plan_id: int, payment_reference: str,
                                   store_id: int | None = None, now: datetime | None = None) -> MembershipResult:
    store_id = await _authorize_purchase(principal, member_id, store_id)
    member = await brand_member(principal, member_id)
    reference = validation.text(payment_reference, "paymentReference", max_length=64)
    key = f"purchase:{reference}"
    plan = await PaidMembershipPlan.filter(id=plan_id, brand_id=principal.brand_id, active=True).first()
    if plan is None:
        raise DomainError(WalletErrorCode.MEMBERSHIP_PLAN_NOT_FOUND, "No such membership plan on sale.", "planId")
    now = now_utc(now)
    try:
        async with events.atomic():
            await Member.filter(id=member.id).select_for_update().first()  # one change per member at a time
            done = await PaidMembershipLedgerEntry.filter(brand_id=principal.brand_id, idempotency_key=key).first()
            if done is not None:
                return await _replay(done, member.id, plan.id)
            row = await PaidMembership.filter(member_id=member.id).select_related("plan").first()
            running = row is not None and row.state is MembershipState.ACTIVE and row.ends_at > now
            if row is not None and row.plan.early_access_tag != plan.early_access_tag:
                await _untag(member.id, row.plan.early_access_tag)
            start = row.ends_at if running else now
            kind = MembershipLedgerKind.RENEWAL if running else MembershipLedgerKind.PURCHASE
            end = period_end(plan, start)
            if row is None:
                row = await PaidMembership.create(brand_id=principal.brand_id, member_id=member.id, plan=plan,
                                                  state=MembershipState.ACTIVE, term_started_at=now, ends_at=end)
            else:
                row.plan, row.state, row.ends_at = plan, MembershipState.ACTIVE, end
                if not running:
                    row.term_started_at = now
                await row.save()
            await _tag(principal.brand_id, member.id, plan.early_access_tag)
            entry = await PaidMembershipLedgerEntry.create(
                brand_id=principal.brand_id, member_id=member.id, plan=plan, kind=kind, amount_minor=plan.price_minor,
                period_start=start, period_end=end, store_id=store_id, actor=audit.actor_of(principal),
                idempotency_key=key, occurred_at=now,
            )
            if kind is MembershipLedgerKind.PURCHASE:
                # A new term's pack covers the month it starts in; the job gives later months'.
                await gifts.give_coupons(brand_id=principal.brand_id, member_id=member.id,
                                         template_ids=plan.coupon_template_ids or [], key_prefix=f"pm:{entry.id}",
                                         source=COUPON_SOURCE, now=now, store_id=store_id, actor=entry.actor)
            return MembershipResult(row, entry, replayed=False)
    except IntegrityError:
        done = await PaidMembershipLedgerEntry.filter(brand_id=principal.brand_id, idempotency_key=key).first()
        if done is None:
            raise
        return await _replay(done, member.id, plan.id)


async def _replay(done: PaidMembershipLedgerEntry, member_id: int, plan_id: int) -> MembershipResult:
    if done.member_id != member_id or done.plan_id != plan_id:
        raise DomainError(WalletErrorCode.IDEMPOTENCY_CONFLICT,
                          "This payment reference bought another membership.", "paymentReference")
    return MembershipResult(await membership_of(member_id), done, replayed=True)


async def refund_paid_membership(principal: Principal, *, member_id: int, refund_id: str,
                                 now: datetime | None = None) -> MembershipResult:
    """Within the plan's refund window after a payment of the current term, the membership
    ends at once and the payments made within the window are refunded (one REFUND row);
    earlier periods of the term, outside the window, are not."""
    authorize(principal, "paid_membership", "refund")
    member = await Member.filter(id=member_id, brand_id=principal.brand_id).first()
    if member is None and store_scope(principal) is not None:
        raise NotAuthorized()  # a store-confined caller learns nothing of other stores' members
    member = await brand_member(principal, member_id)
    authorize_store(principal, member.home_store_id)
    refund_id = validation.text(refund_id, "refundId", max_length=64)
    key = f"refund:{refund_id}"
    now = now_utc(now)
    async with events.atomic():
        await Member.filter(id=member.id).select_for_update().first()
        done = await PaidMembershipLedgerEntry.filter(brand_id=principal.brand_id, idempotency_key=key).first()
        if done is not None:
            if done.member_id != member.id:
                raise DomainError(WalletErrorCode.IDEMPOTENCY_CONFLICT, "This refund id was used for another member.",
                                  "refundId")
            return MembershipResult(await membership_of(member.id), done, replayed=True)
        row = await PaidMembership.filter(member_id=member.id).select_related("plan").first()
        if row is None or row.state is not MembershipState.ACTIVE or row.ends_at <= now:
            raise DomainError(WalletErrorCode.MEMBERSHIP_NOT_ACTIVE, "No running membership to refund.", "memberId")
        since = max(row.term_started_at, now - timedelta(days=row.plan.refund_window_days))
        paid = await PaidMembershipLedgerEntry.filter(
            member_id=member.id, kind__in=[MembershipLedgerKind.PURCHASE, MembershipLedgerKind.RENEWAL],
            occurred_at__gte=since)
        if not paid:
            raise DomainError(WalletErrorCode.REFUND_WINDOW_CLOSED, "The refund window has closed.", "memberId")
        entry = await PaidMembershipLedgerEntry.create(
            brand_id=principal.brand_id, member_id=member.id, plan_id=row.plan_id, kind=MembershipLedgerKind.REFUND,
            amount_minor=-sum(p.amount_minor for p in paid), period_start=now, period_end=row.ends_at,
            store_id=member.home_store_id, actor=audit.actor_of(principal), idempotency_key=key, occurred_at=now,
        )
        row.state, row.ends_at = MembershipState.REFUNDED, now
        await row.save()
        await _untag(member.id, row.plan.early_access_tag)
        return MembershipResult(row, entry, replayed=False)


async def expire_paid_memberships(now: datetime, *, brand_id: int | None = None) -> int:
    """The job: every ACTIVE membership whose end has passed becomes EXPIRED (an EXPIRE row)."""
    now = now.astimezone(UTC)
    due = PaidMembership.filter(state=MembershipState.ACTIVE, ends_at__lte=now)
    if brand_id is not None:
        due = due.filter(brand_id=brand_id)
    count = 0
    for member_id in await due.values_list("member_id", flat=True):
        async with events.atomic():
            await Member.filter(id=member_id).select_for_update().first()
            row = await PaidMembership.filter(member_id=member_id).select_related("plan").first()
            if row.state is not MembershipState.ACTIVE or row.ends_at > now:
                continue  # renewed or ended meanwhile
            row.state = MembershipState.EXPIRED
            await row.save()
            await _untag(member_id, row.plan.early_access_tag)
            await PaidMembershipLedgerEntry.create(
                brand_id=row.brand_id, member_id=member_id, plan_id=row.plan_id, kind=MembershipLedgerKind.EXPIRE,
                amount_minor=0, period_end=row.ends_at, actor=JOB_ACTOR, occurred_at=now,
            )
            count += 1
    return count


async def _tag(brand_id: int, member_id: int, tag: str | None) -> None:
    """The plan's early-access tag on the member while the membership runs, so campaigns and
    segments can aim at paid members ("early access for Plus members")."""
    if tag:  # a tag of that name already on the member (HQ's, a rule's) stays as it is
        await MemberTag.bulk_create([MemberTag(brand_id=brand_id, member_id=member_id, tag=tag,
                                               kind=TagKind.MEMBERSHIP, created_by="paid-membership")],
                                    ignore_conflicts=True)


async def _untag(member_id: int, tag: str | None) -> None:
    if tag:  # only the membership's own tag: HQ's or a rule's of the same name is not ours to take
        await MemberTag.filter(member_id=member_id, tag=tag, kind=TagKind.MEMBERSHIP).delete()


async def active_membership(member_id: int, at: datetime) -> PaidMembership | None:
    """The membership whose benefits hold at `at` (whether or not the job has run)."""
    at = at.astimezone(UTC)
    return await PaidMembership.filter(member_id=member_id, state=MembershipState.ACTIVE, term_started_at__lte=at,
                                       ends_at__gt=at).select_related("plan").first()


async def points_multiplier(member_id: int, at: datetime) -> Fraction:
    """The paid membership's points multiplier at `at` (×1 without one)."""
    row = await active_membership(member_id, at)
    return Fraction(Decimal(row.plan.points_multiplier)) if row else Fraction(1)


async def membership_of(member_id: int) -> PaidMembership | None:
    return await PaidMembership.filter(member_id=member_id).select_related("plan").first()


async def issue_membership_coupon_packs(now: datetime, *, brand_id: int | None = None) -> int:
    """The job, safe to run any number of times: every running membership whose plan has a
    coupon pack gets this month's pack (the brand's calendar month), once, keyed by the
    membership and the month. The month a term starts in is covered by the purchase's pack;
    a month in which the job never ran is not made up later. Returns the coupons issued."""
    now = now.astimezone(UTC)
    running = PaidMembership.filter(state=MembershipState.ACTIVE, term_started_at__lte=now, ends_at__gt=now)
    if brand_id is not None:
        running = running.filter(brand_id=brand_id)
    zones: dict[int, ZoneInfo] = {}
    issued = 0
    for row in await running.select_related("plan").order_by("id"):
        if not row.plan.coupon_template_ids:
            continue
        if row.brand_id not in zones:
            zones[row.brand_id] = ZoneInfo(await brand_timezone(row.brand_id))
        zone = zones[row.brand_id]
        month = now.astimezone(zone).strftime("%Y-%m")
        if row.term_started_at.astimezone(zone).strftime("%Y-%m") == month:
            continue
        prefix = f"pm:{row.id}:{month}"
        before = len(await gifts.coupons_given(row.brand_id, prefix))
        async with events.atomic():
            given = await gifts.give_coupons(brand_id=row.brand_id, member_id=row.member_id,
                                             template_ids=row.plan.coupon_template_ids, key_prefix=prefix,
                                             source=COUPON_SOURCE, now=now, store_id=None, actor=PACK_JOB_ACTOR)
        issued += len(given) - before
    return issued
