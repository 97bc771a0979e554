"""Channel order import: batches of up to 1,000 orders from Tmall, JD, Douyin, the
mini-program, POS systems. Idempotent per (brand, channel, external id).

Statements per batch, not per order: stores, existing orders, members by phone and existing
purchases are read once each; unmatched orders are inserted in one statement (duplicates of
a concurrent import skipped by the unique index and recognised by the batch id). A matched
member is credited in one transaction holding its account lock, through the same accrual as
recordPurchase (domain/points/purchases.accrue)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

from tortoise.exceptions import IntegrityError

from domain import events
from domain.channels import claims
from domain.channels.errors import ChannelErrorCode
from domain.channels.models import ChannelOrder, ChannelOrderStatus
from domain.members.models import Member
from domain.members.phones import normalise_phone
from domain.points import ledger, purchases, rules as points_rules
from domain.points.models import PointsAccount, Purchase
from franchise import audit, validation
from franchise.errors import DomainError, FranchiseErrorCode
from franchise.models import Brand, Store
from policies import Principal, authorize, store_scope

MAX_ORDERS = 1000
CHANNELS = ("TMALL", "JD", "DOUYIN", "WECHAT", "POS", "OTHER")


class Outcome:
    ACCEPTED = "ACCEPTED"
    DUPLICATE = "DUPLICATE"
    PENDING_MEMBER = "PENDING_MEMBER"
    REJECTED = "REJECTED"


@dataclass
class OrderLine:
    external_id: str
    phone: str
    amount: Decimal | str
    paid_at: datetime
    store_id: int | None = None
    store_code: str | None = None  # the CLI names stores by code
    refunded_amount: Decimal | str = "0"
    error: DomainError | None = None  # a line the adapter could not read


@dataclass
class OrderResult:
    index: int
    external_id: str
    outcome: str
    points: int = 0
    points_reversed: int = 0
    member_id: int | None = None
    error: DomainError | None = None


@dataclass
class _Checked:
    index: int
    external_id: str
    phone: str
    amount_minor: int
    refunded_minor: int
    paid_at: datetime
    store_id: int | None
    member: Member | None = None
    results: list = field(default_factory=list)


def _check_line(line: OrderLine, index: int, brand: Brand, stores: dict, scope) -> _Checked:
    if line.error is not None:
        raise line.error
    external_id = validation.text(line.external_id, "externalId", max_length=64)
    phone = normalise_phone(line.phone, brand.phone_region)
    amount = validation.money_to_minor(line.amount, "amount", allow_zero=False)
    refunded = validation.money_to_minor(line.refunded_amount or 0, "refundedAmount")
    if refunded > amount:
        raise DomainError(ChannelErrorCode.REFUND_EXCEEDS_ORDER, "The refund exceeds the order.", "refundedAmount")
    if line.paid_at is None or line.paid_at.tzinfo is None:
        raise DomainError(ChannelErrorCode.INVALID_PAID_AT, "The paid time needs its offset.", "paidAt")
    store = None
    if line.store_code:
        store = stores["code"].get(line.store_code)
    elif line.store_id is not None:
        store = stores["id"].get(line.store_id)
    if (line.store_code or line.store_id is not None) and store is None:
        raise DomainError(FranchiseErrorCode.STORE_NOT_FOUND, "No such store.", "storeId")
    if scope is not None and (store is None or store.id not in scope):
        # A store-limited partner imports its stores' orders only.
        raise DomainError(FranchiseErrorCode.STORE_NOT_FOUND, "Not one of this client's stores.", "storeId")
    return _Checked(index, external_id, phone, amount, refunded, line.paid_at.astimezone(UTC),
                    store.id if store else None)


async def import_channel_orders(principal: Principal, *, channel: str, lines: list[OrderLine],
                                progress: Callable[[int], None] | None = None,
                                now: datetime | None = None) -> list[OrderResult]:
    """One result per line, in order: ACCEPTED (its member earned), PENDING_MEMBER (the phone's
    points wait), DUPLICATE (known already: nothing changes, except a larger refunded amount,
    which reverses points as refundPurchase does), REJECTED with the error."""
    authorize(principal, "channel_order", "import")
    if channel not in CHANNELS:
        raise DomainError(ChannelErrorCode.INVALID_CHANNEL, f"Channels are {', '.join(CHANNELS)}.", "channel")
    if len(lines) > MAX_ORDERS:
        raise DomainError(ChannelErrorCode.TOO_MANY_ORDERS, f"At most {MAX_ORDERS} orders per call.", "orders")
    now = now or datetime.now(UTC)
    brand = await Brand.get(id=principal.brand_id)
    all_stores = await Store.filter(brand_id=brand.id)
    stores = {"id": {s.id: s for s in all_stores}, "code": {s.code: s for s in all_stores}}
    scope = store_scope(principal)
    actor = audit.actor_of(principal)
    results: dict[int, OrderResult] = {}
    firsts: dict[str, _Checked] = {}
    resends: list[_Checked] = []
    for index, line in enumerate(lines):
        try:
            checked = _check_line(line, index, brand, stores, scope)
        except DomainError as error:
            results[index] = OrderResult(index, str(line.external_id or ""), Outcome.REJECTED, error=error)
            continue
        if checked.external_id in firsts:
            resends.append(checked)  # the same order twice in one batch: the second is a re-send
        else:
            firsts[checked.external_id] = checked

    existing = {o.external_id: o for o in await ChannelOrder.filter(
        brand_id=brand.id, channel=channel, external_id__in=list(firsts))}
    new = [c for c in firsts.values() if c.external_id not in existing]
    resends = [c for c in firsts.values() if c.external_id in existing] + resends
    members = {m.phone: m for m in await Member.filter(brand_id=brand.id, phone__in=list({c.phone for c in new}))}
    # An order id the counter (recordPurchase) already recorded on this channel is a duplicate.
    recorded = set(await Purchase.filter(brand_id=brand.id, channel=channel,
                                         order_id__in=[c.external_id for c in new]).values_list("order_id", flat=True))
    ctx = await purchases.earning_context(brand.id, [c.paid_at for c in new] or [now])
    batch = secrets.token_hex(8)

    matched: dict[int, list[_Checked]] = {}
    unmatched: list[_Checked] = []
    for checked in new:
        if checked.external_id in recorded:
            results[checked.index] = OrderResult(checked.index, checked.external_id, Outcome.DUPLICATE)
        elif (member := members.get(checked.phone)) is not None:
            checked.member = member
            matched.setdefault(member.id, []).append(checked)
        else:
            unmatched.append(checked)

    if matched:
        # Accounts for members who never earned, in one statement (lock_account then finds them).
        await PointsAccount.bulk_create([PointsAccount(brand_id=brand.id, member_id=m) for m in matched],
                                        ignore_conflicts=True)
    for orders in matched.values():
        for result in await _credit_member(orders, channel=channel, ctx=ctx, batch=batch, actor=actor, now=now):
            results[result.index] = result
            _tick(progress, results)
    for result in await _hold_pending(brand.id, unmatched, channel=channel, ctx=ctx, batch=batch, actor=actor):
        results[result.index] = result
    _tick(progress, results)
    # Orders known before this call were read above; repeats within it are read again now.
    repeats = list({c.external_id for c in resends} - set(existing))
    known = existing | ({o.external_id: o for o in await ChannelOrder.filter(
        brand_id=brand.id, channel=channel, external_id__in=repeats)} if repeats else {})
    for checked in resends:
        results[checked.index] = await _resend(brand.id, checked, known.get(checked.external_id), channel=channel,
                                               actor=actor, now=now)
    _tick(progress, results)
    if unmatched:
        # A phone that enrolled while its orders were being held: claim them now.
        for member in await Member.filter(brand_id=brand.id, phone__in=list({c.phone for c in unmatched})):
            await claims.claim_pending_points(member, now=now)
    return [results[i] for i in range(len(lines))]


def _tick(progress, results) -> None:
    if progress:
        progress(len(results))


async def _credit_member(orders: list[_Checked], *, channel: str, ctx, batch: str, actor: str,
                         now: datetime) -> list[OrderResult]:
    """One member's new orders, in one transaction holding its account lock."""
    member = orders[0].member
    rows = [ChannelOrder(brand_id=member.brand_id, channel=channel, external_id=c.external_id, phone=c.phone,
                         amount_minor=c.amount_minor, refunded_minor=c.refunded_minor, paid_at=c.paid_at,
                         store_id=c.store_id, status=ChannelOrderStatus.ACCEPTED, member_id=member.id,
                         batch=batch, imported_by=actor) for c in orders]
    try:
        async with events.atomic():
            account = await ledger.lock_account(member.brand_id, member.id)
            await ChannelOrder.bulk_create(rows, ignore_conflicts=True)
            ours = {o.external_id: o for o in await ChannelOrder.filter(
                brand_id=member.brand_id, channel=channel, external_id__in=[c.external_id for c in orders])
                if o.batch == batch}
            results = []
            for checked in orders:
                row = ours.get(checked.external_id)
                if row is None:  # a concurrent import of the same order committed first
                    results.append(OrderResult(checked.index, checked.external_id, Outcome.DUPLICATE))
                    continue
                accrual = await purchases.accrue(
                    account, member, ctx, store_id=checked.store_id or member.home_store_id,
                    channel=purchases.Channel(channel), order_id=checked.external_id,
                    amount_minor=checked.amount_minor, wallet_minor=0, occurred_at=checked.paid_at, actor=actor)
                reversed_points = 0
                if checked.refunded_minor:
                    reversal = await purchases.reverse(
                        account, accrual.purchase, refund_id=_refund_id(checked.refunded_minor),
                        amount_minor=checked.refunded_minor, actor=actor, now=now)
                    reversed_points = reversal.points_reversed
                row.purchase_id = accrual.purchase.id
                await row.save(update_fields=["purchase_id"])
                results.append(OrderResult(checked.index, checked.external_id, Outcome.ACCEPTED,
                                           points=accrual.points_earned, points_reversed=reversed_points,
                                           member_id=member.id))
            return results
    except IntegrityError:
        # recordPurchase stored one of these order ids meanwhile: take them one by one.
        if len(orders) == 1:
            return [OrderResult(orders[0].index, orders[0].external_id, Outcome.DUPLICATE)]
        results = []
        for checked in orders:
            results += await _credit_member([checked], channel=channel, ctx=ctx, batch=batch, actor=actor, now=now)
        return results


def _refund_id(refunded_total_minor: int) -> str:
    # Refunds arrive as the order's refunded total: each new total is one refund step.
    return f"channel-refunded-total:{refunded_total_minor}"


async def _hold_pending(brand_id: int, orders: list[_Checked], *, channel: str, ctx, batch: str,
                        actor: str) -> list[OrderResult]:
    """Unmatched phones: the orders and the points they earned wait, with their expiry."""
    if not orders:
        return []
    rows = []
    for c in orders:
        shaped = await purchases.shaping(ctx, None, c.store_id, c.paid_at)
        earned = points_rules.points_for(ctx.rules, c.amount_minor, shaped.multiplier)
        rows.append(ChannelOrder(
            brand_id=brand_id, channel=channel, external_id=c.external_id, phone=c.phone,
            amount_minor=c.amount_minor, refunded_minor=c.refunded_minor, paid_at=c.paid_at, store_id=c.store_id,
            status=ChannelOrderStatus.PENDING, pending_earned=earned,
            pending_reversed=earned * c.refunded_minor // c.amount_minor,
            expires_at=points_rules.expires_at(ctx.rules, c.paid_at, ctx.zone), rule_version=ctx.rules.version,
            campaign_id=shaped.campaign.id if shaped.campaign else None, batch=batch, imported_by=actor))
    async with events.atomic():
        await ChannelOrder.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    ours = {o.external_id: o for o in await ChannelOrder.filter(
        brand_id=brand_id, channel=channel, batch=batch, external_id__in=[c.external_id for c in orders])}
    results = []
    for c in orders:
        row = ours.get(c.external_id)
        if row is None:
            results.append(OrderResult(c.index, c.external_id, Outcome.DUPLICATE))
        else:
            results.append(OrderResult(c.index, c.external_id, Outcome.PENDING_MEMBER,
                                       points=row.pending_earned - row.pending_reversed,
                                       points_reversed=row.pending_reversed))
    return results


async def _resend(brand_id: int, checked: _Checked, found: ChannelOrder | None, *, channel: str, actor: str,
                  now: datetime) -> OrderResult:
    """A known order (`found`, read in bulk): nothing changes, unless it now carries a larger
    refunded amount; only then is anything locked."""
    def duplicate(reversed_points=0, member_id=None) -> OrderResult:
        return OrderResult(checked.index, checked.external_id, Outcome.DUPLICATE, points_reversed=reversed_points,
                           member_id=member_id)

    def rejected(code, message, field_name) -> OrderResult:
        return OrderResult(checked.index, checked.external_id, Outcome.REJECTED,
                           error=DomainError(code, message, field_name))

    if found is None:  # an in-batch repeat of a line that was rejected at the database
        return duplicate()
    if found.amount_minor != checked.amount_minor or found.phone != checked.phone:
        return rejected(ChannelErrorCode.ORDER_CONFLICT, "This order was imported with another phone or amount.",
                        "externalId")
    if checked.refunded_minor == found.refunded_minor:
        return duplicate(member_id=found.member_id)
    if checked.refunded_minor < found.refunded_minor:
        return rejected(ChannelErrorCode.REFUND_DECREASED, "A refunded amount never decreases.", "refundedAmount")
    for _ in range(3):
        async with events.atomic():
            account = await ledger.lock_account(brand_id, found.member_id) if found.member_id else None
            order = await ChannelOrder.filter(id=found.id).select_for_update().first()
            if order.member_id != found.member_id:
                found = order  # claimed meanwhile: again, with the member's lock first
                continue
            if checked.refunded_minor <= order.refunded_minor:
                return duplicate(member_id=order.member_id)
            step = checked.refunded_minor - order.refunded_minor
            if order.purchase_id is not None:
                purchase = await Purchase.filter(id=order.purchase_id).select_for_update().first()
                reversal = await purchases.reverse(account, purchase, refund_id=_refund_id(checked.refunded_minor),
                                                   amount_minor=step, actor=actor, now=now)
                reversed_points = reversal.points_reversed
            else:
                target = order.pending_earned * checked.refunded_minor // order.amount_minor
                reversed_points = target - order.pending_reversed
                order.pending_reversed = target
            order.refunded_minor = checked.refunded_minor
            await order.save(update_fields=["refunded_minor", "pending_reversed"])
            return duplicate(reversed_points, order.member_id)
    raise RuntimeError("the order kept changing hands")
