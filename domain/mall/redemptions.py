"""Redeeming mall items with points, verifying pickups at a store (核销) and cancelling.

Redeem, in one transaction: the member's points account lock (which also serialises the
member's limit check), the points taken from the soonest-expiring lots (REDEEM), the stock
taken by a conditional UPDATE (`stock >= quantity`, so it never goes below zero whatever runs
at once), a stock movement and the redemption. Lock order everywhere: account, redemption,
item, coupon template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F

from domain import events
from domain.coupons import codes
from domain.coupons.service import issue_coupon_to_member
from domain.mall import items as mall_items
from domain.mall.errors import MallErrorCode
from domain.mall.models import MallItem, MallItemKind, MallRedemption, MallStockMovement, RedemptionState, StockReason
from domain.members.access import check_member_readable
from domain.members.models import Member
from domain.points import ledger
from domain.points.models import LedgerKind, PointsLedgerEntry
from franchise import audit, validation
from franchise.errors import DomainError, FranchiseErrorCode, invalid
from franchise.stores import require_store
from policies import NotAuthorized, Principal, PrincipalKind, authorize

CODE_LENGTH = 8
EXPIRY_ACTOR = "job:cancel-expired-pickups"


def _now() -> datetime:
    return datetime.now(UTC)


def qr_payload(redemption: MallRedemption) -> str | None:
    """What the member's QR code carries; a clerk's scanner reads the code from it."""
    if redemption.verification_code is None:
        return None
    return f"loyalty:pickup:{redemption.brand_id}:{redemption.verification_code}"


@dataclass
class Redeemed:
    redemption: MallRedemption
    balance: int
    replayed: bool


async def redeem_mall_item(principal: Principal, *, item_id: int, quantity: int, idempotency_key: str,
                           pickup_store_id: int | None = None, now: datetime | None = None) -> Redeemed:
    """A member turns points into an item, once per idempotency key (a replay returns the first)."""
    authorize(principal, "mall_item", "redeem")
    if principal.kind is not PrincipalKind.MEMBER:
        raise NotAuthorized()
    key = validation.text(idempotency_key, "idempotencyKey", max_length=100)
    quantity = validation.bounded_int(quantity, "quantity", low=1, high=100)
    now = (now or _now()).astimezone(UTC)
    item = await MallItem.filter(id=item_id, brand_id=principal.brand_id).first()
    if item is None:
        raise DomainError(MallErrorCode.ITEM_NOT_FOUND, "No such mall item.", "itemId")
    buyer = await mall_items.shopper(principal.brand_id, principal.member_id, now)
    try:
        async with events.atomic():
            account = await ledger.lock_account(principal.brand_id, buyer.member.id)
            done = await MallRedemption.filter(brand_id=principal.brand_id, member_id=buyer.member.id,
                                               idempotency_key=key).first()
            if done is not None:
                return _replay(done, item.id, quantity, account.balance)
            redemption = await _redeem(principal, item, buyer, account, quantity, key, pickup_store_id, now)
            return Redeemed(redemption, account.balance, replayed=False)
    except IntegrityError:
        done = await MallRedemption.filter(brand_id=principal.brand_id, member_id=buyer.member.id,
                                           idempotency_key=key).first()
        if done is None:
            raise
        account = await ledger.PointsAccount.get(member_id=buyer.member.id)
        return _replay(done, item.id, quantity, account.balance)


def _replay(done: MallRedemption, item_id: int, quantity: int, balance: int) -> Redeemed:
    if done.item_id != item_id or done.quantity != quantity:
        raise DomainError(MallErrorCode.REDEMPTION_KEY_CONFLICT, "This key redeemed something else.",
                          "idempotencyKey")
    return Redeemed(done, balance, replayed=True)


async def _pickup_store(principal: Principal, item: MallItem, member: Member, store_id: int | None) -> int | None:
    if item.kind is not MallItemKind.PICKUP:
        return None
    if store_id is None:
        store_id = member.home_store_id if mall_items.store_eligible(item, member.home_store_id) \
            else item.eligible_store_ids[0]
    store = await require_store(principal, store_id, "pickupStoreId")
    if not mall_items.store_eligible(item, store.id):
        raise DomainError(MallErrorCode.STORE_NOT_ELIGIBLE, "This item is not collected at that store.",
                          "pickupStoreId")
    return store.id


async def _redeem(principal: Principal, item: MallItem, buyer: mall_items.Shopper, account, quantity: int,
                  key: str, pickup_store_id: int | None, now: datetime) -> MallRedemption:
    buyer.balance = account.balance  # read under the lock
    if (refused := mall_items.refusal(item, buyer, now)) is not None:
        raise refused
    if item.kind is MallItemKind.COUPON and quantity != 1:
        raise invalid("A coupon item is redeemed one at a time.", "quantity")
    store_id = await _pickup_store(principal, item, buyer.member, pickup_store_id)
    redeemed = (await mall_items.units_redeemed(buyer.member.id, [item], now)).get(item.id, 0)
    if (short := mall_items.shortfall(item, buyer, redeemed, quantity)) is not None \
            and short.code is not MallErrorCode.OUT_OF_STOCK:  # stock is decided by the UPDATE below
        raise short
    actor = audit.actor_of(principal)
    points = item.points_price * quantity
    entry = await ledger.debit(account, points, kind=LedgerKind.REDEEM, now=now, move=ledger.Movement(
        actor=actor, occurred_at=now, store_id=store_id, reason=f"mall: {quantity} x {item.name}"[:200],
        idempotency_key=f"mall:{buyer.member.id}:{key}",
    ))
    stock_taken = False
    if item.stock is not None:
        taken = await MallItem.filter(id=item.id, stock__gte=quantity).update(stock=F("stock") - quantity)
        if not taken:
            raise DomainError(MallErrorCode.OUT_OF_STOCK, "Out of stock.", "quantity")
        stock_taken = True
    code, expires = None, None
    if item.kind is MallItemKind.PICKUP:
        code = codes.new_code(CODE_LENGTH)
        while await MallRedemption.filter(brand_id=item.brand_id, verification_code=code).exists():
            code = codes.new_code(CODE_LENGTH)  # 25^8: rare; the unique index backs it
        expires = now + timedelta(days=item.pickup_days)
    redemption = await MallRedemption.create(
        brand_id=item.brand_id, member_id=buyer.member.id, item_id=item.id, quantity=quantity, points=points,
        cash_minor=item.cash_minor * quantity, stock_taken=stock_taken, idempotency_key=key, points_entry=entry,
        state=RedemptionState.PENDING if item.kind is MallItemKind.PICKUP else RedemptionState.COMPLETED,
        verification_code=code, pickup_store_id=store_id, pickup_expires_at=expires, created_at=now,
    )
    if stock_taken:
        await MallStockMovement.create(brand_id=item.brand_id, item_id=item.id, delta=-quantity,
                                       reason=StockReason.REDEEM, redemption_id=redemption.id, actor=actor)
    if item.kind is MallItemKind.COUPON:
        redemption.coupon = await issue_coupon_to_member(
            brand_id=item.brand_id, member_id=buyer.member.id, template_id=item.coupon_template_id, source="MALL",
            idempotency_key=f"mall:{redemption.id}", now=now, store_id=store_id, actor=actor,
        )
        await redemption.save(update_fields=["coupon_id"])
    return redemption


async def verify_redemption(principal: Principal, *, code: str, store_id: int | None = None,
                            now: datetime | None = None) -> MallRedemption:
    """A clerk of an eligible store marks a pickup collected, exactly once: a conditional
    UPDATE on its state, so of two clerks at once one wins and the other is ALREADY_VERIFIED.
    A clerk acts at its own store (another store is FORBIDDEN); a store the item is not
    collected at is the typed STORE_NOT_ELIGIBLE."""
    store_id = store_id if store_id is not None else principal.store_id
    if store_id is None:
        authorize(principal, "redemption", "verify")
        raise DomainError(FranchiseErrorCode.REQUIRED, "A store is required.", "storeId")
    authorize(principal, "redemption", "verify", store_id=store_id)
    store = await require_store(principal, store_id)
    code = codes.normalise(validation.text(code, "code", max_length=16))
    now = (now or _now()).astimezone(UTC)
    # A code we never issue (longer than ours, other characters) is simply not found.
    well_formed = len(code) <= CODE_LENGTH and all(c in codes.ALPHABET for c in code)
    found = await MallRedemption.filter(brand_id=principal.brand_id, verification_code=code).first() \
        if well_formed else None
    if found is None:
        raise DomainError(MallErrorCode.REDEMPTION_NOT_FOUND, "No pickup has this code.", "code")
    item = await MallItem.get(id=found.item_id)
    if not mall_items.store_eligible(item, store.id):
        raise DomainError(MallErrorCode.STORE_NOT_ELIGIBLE, "This item is not collected at this store.", "storeId")
    _check_pending(found, "code")
    if now >= found.pickup_expires_at:
        raise DomainError(MallErrorCode.PICKUP_EXPIRED, "The pickup window is over.", "code")
    won = await MallRedemption.filter(id=found.id, state=RedemptionState.PENDING).update(
        state=RedemptionState.COLLECTED, verified_at=now, verified_store_id=store.id,
        verified_by=audit.actor_of(principal),
    )
    redemption = await MallRedemption.get(id=found.id)
    if not won:
        _check_pending(redemption, "code")
    return redemption


def _check_pending(redemption: MallRedemption, field: str) -> None:
    if redemption.state is RedemptionState.COLLECTED:
        raise DomainError(MallErrorCode.ALREADY_VERIFIED, "This pickup was already collected.", field)
    if redemption.state is RedemptionState.CANCELLED:
        raise DomainError(MallErrorCode.ALREADY_CANCELLED, "This redemption was cancelled.", field)
    if redemption.state is not RedemptionState.PENDING:
        raise DomainError(MallErrorCode.NOT_CANCELLABLE, "Only a pending pickup can change.", field)


async def cancel_redemption(principal: Principal, *, redemption_id: int, reason: str | None = None,
                            now: datetime | None = None) -> MallRedemption:
    """The member while its pickup is pending, or a manager of the pickup store (HQ anywhere):
    the points go back to the lots they came from, with their dates, and the stock returns."""
    found = await MallRedemption.filter(id=redemption_id, brand_id=principal.brand_id).first()
    if principal.kind is PrincipalKind.MEMBER:
        authorize(principal, "redemption", "cancel_self")
        if found is None or found.member_id != principal.member_id:
            raise NotAuthorized()
    else:
        authorize(principal, "redemption", "cancel")
        if principal.allowed_store_ids is not None and (found is None
                                                        or found.pickup_store_id not in principal.allowed_store_ids):
            raise NotAuthorized()  # another store's, or none at all: the same answer
    if found is None:
        raise DomainError(MallErrorCode.REDEMPTION_NOT_FOUND, "No such redemption.", "redemptionId")
    reason = validation.text(reason, "reason", max_length=200, required=False) or "cancelled"
    _check_pending(found, "redemptionId")
    if not await _cancel(found, actor=audit.actor_of(principal), reason=reason, now=(now or _now()).astimezone(UTC)):
        _check_pending(await MallRedemption.get(id=found.id), "redemptionId")
    return await MallRedemption.get(id=found.id)


async def _cancel(redemption: MallRedemption, *, actor: str, reason: str, now: datetime) -> bool:
    """Cancel a pending redemption and give back its points and stock; False if it was not
    pending any more (collected or cancelled meanwhile)."""
    async with events.atomic():
        account = await ledger.lock_account(redemption.brand_id, redemption.member_id)
        won = await MallRedemption.filter(id=redemption.id, state=RedemptionState.PENDING).update(
            state=RedemptionState.CANCELLED, cancelled_at=now, cancelled_by=actor, cancel_reason=reason)
        if not won:
            return False
        spent = await PointsLedgerEntry.get(id=redemption.points_entry_id)
        await ledger.return_to_lots(account, spent, move=ledger.Movement(
            actor=actor, occurred_at=now, store_id=redemption.pickup_store_id,
            reason=f"mall redemption {redemption.id} cancelled: {reason}"[:200],
        ))
        if redemption.stock_taken:
            back = await MallItem.filter(id=redemption.item_id, stock__isnull=False).update(
                stock=F("stock") + redemption.quantity)
            if back:  # an item made unlimited since takes nothing back
                await MallStockMovement.create(brand_id=redemption.brand_id, item_id=redemption.item_id,
                                               delta=redemption.quantity, reason=StockReason.RETURN,
                                               redemption_id=redemption.id, actor=actor)
        return True


async def cancel_expired_pickups(now: datetime, *, brand_id: int | None = None) -> int:
    """The job: pickups not collected in their window are cancelled, points and stock back.
    Safe to run twice or in two processes (the state changes once); returns how many."""
    now = now.astimezone(UTC)  # SQLite compares datetimes as text: bind UTC, as stored
    due = MallRedemption.filter(state=RedemptionState.PENDING, pickup_expires_at__lte=now)
    if brand_id is not None:
        due = due.filter(brand_id=brand_id)
    cancelled = 0
    for redemption in await due.order_by("id"):
        if await _cancel(redemption, actor=EXPIRY_ACTOR, reason="not collected in its pickup window", now=now):
            cancelled += 1
    return cancelled


def member_redemptions_query(principal: Principal, member: Member):
    check_member_readable(principal, member)
    if principal.kind is PrincipalKind.MEMBER:
        authorize(principal, "redemption", "read_self")
    elif principal.kind is PrincipalKind.API_CLIENT:
        raise NotAuthorized()  # no partner scope reads redemptions
    else:
        authorize(principal, "redemption", "read")
    return MallRedemption.filter(brand_id=member.brand_id, member_id=member.id)


async def store_pickups_query(principal: Principal, store_id: int):
    """Pending pickups to be collected at a store, for the branch portal."""
    authorize(principal, "redemption", "read", store_id=store_id)
    store = await require_store(principal, store_id)
    return MallRedemption.filter(brand_id=principal.brand_id, state=RedemptionState.PENDING, pickup_store_id=store.id)
