"""Top-ups: the member pays, the wallet gets principal (and a plan's bonus, points, a tier
lift); 储值免单 also pays the current bill from a bonus grant spent at once. Idempotent per
(brand, payment reference)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError

from domain import events
from domain.coupons.models import Coupon
from domain.giftcards.claim import issue_claimed_card
from domain.giftcards.errors import GiftCardErrorCode
from domain.giftcards.models import GiftCard, GiftCardLedgerEntry
from domain.points import ledger as points_ledger
from domain.points import rules as points_rules
from domain.points.models import LedgerKind
from domain.tiers import service as tiers
from domain.tiers.models import TierProgram
from domain.wallet import gifts, ledger
from domain.wallet.common import brand_member, now_utc
from domain.wallet.errors import WalletErrorCode
from domain.wallet.models import Bucket, PlanKind, TopUpPlan, Wallet, WalletLedgerKind, WalletPayment, WalletTopUp
from domain.wallet.plans import offered_at
from franchise import audit, validation
from franchise.errors import DomainError, invalid
from franchise.stores import require_store
from policies import Principal, authorize


@dataclass
class TopUpResult:
    top_up: WalletTopUp
    principal: int
    bonus: int
    replayed: bool
    coupons: list[Coupon] = field(default_factory=list)  # the plan's gifts (on a replay: those first given)
    gift_card: GiftCard | None = None


@dataclass
class _Amounts:
    paid: int
    bonus: int = 0
    free: int = 0
    order_id: str | None = None


async def _plan(principal: Principal, plan_id: int, store_id: int, now: datetime) -> TopUpPlan:
    plan = await TopUpPlan.filter(id=plan_id, brand_id=principal.brand_id).first()
    if plan is None:
        raise DomainError(WalletErrorCode.PLAN_NOT_FOUND, "No such top-up plan.", "planId")
    if not offered_at(plan, store_id, now):
        raise DomainError(WalletErrorCode.PLAN_NOT_OFFERED, "This plan is not offered at this store now.", "planId")
    return plan


def _amounts(plan: TopUpPlan | None, amount, bill, order_id: str | None) -> _Amounts:
    if plan is None:
        if amount is None:
            raise DomainError(WalletErrorCode.INVALID_PLAN, "Name a plan or an amount.", "amount")
        return _Amounts(paid=validation.money_to_minor(amount, "amount", allow_zero=False))
    if amount is not None:
        raise invalid("A plan sets the amount: give a plan or an amount, not both.", "amount")
    if plan.kind is PlanKind.STANDARD:
        return _Amounts(paid=plan.pay_minor, bonus=plan.bonus_minor)
    if bill is None or order_id is None:
        raise DomainError(WalletErrorCode.BILL_REQUIRED, "A free-order top-up needs the bill and its order id.",
                          "billAmount")
    bill_minor = validation.money_to_minor(bill, "billAmount", allow_zero=False)
    return _Amounts(paid=bill_minor * plan.free_order_multiple, free=bill_minor,
                    order_id=validation.text(order_id, "orderId", max_length=64))


async def _replay(existing: WalletTopUp, member_id: int, amounts: _Amounts, wallet: Wallet | None) -> TopUpResult:
    if existing.member_id != member_id or existing.paid_minor != amounts.paid:
        raise DomainError(WalletErrorCode.IDEMPOTENCY_CONFLICT,
                          "This payment reference topped up another member or amount.", "paymentReference")
    card_entry = await GiftCardLedgerEntry.filter(brand_id=existing.brand_id,
                                                  idempotency_key=f"{_gift_key(existing)}:giftcard").first()
    return TopUpResult(existing, wallet.principal_minor if wallet else 0, wallet.bonus_minor if wallet else 0,
                       replayed=True, coupons=await gifts.coupons_given(existing.brand_id, _gift_key(existing)),
                       gift_card=await GiftCard.get(id=card_entry.card_id) if card_entry else None)


async def top_up_wallet(principal: Principal, *, member_id: int, store_id: int, payment_reference: str,
                        plan_id: int | None = None, amount=None, bill_amount=None, order_id: str | None = None,
                        now: datetime | None = None) -> TopUpResult:
    authorize(principal, "wallet", "topup", store_id=store_id)
    store = await require_store(principal, store_id)
    member = await brand_member(principal, member_id)
    reference = validation.text(payment_reference, "paymentReference", max_length=64)
    now = now_utc(now)
    plan = await _plan(principal, plan_id, store.id, now) if plan_id is not None else None
    amounts = _amounts(plan, amount, bill_amount, order_id)
    program = await TierProgram.filter(brand_id=principal.brand_id).first()
    actor = audit.actor_of(principal)
    try:
        async with events.atomic():
            wallet = await ledger.lock_wallet(principal.brand_id, member.id)
            existing = await WalletTopUp.filter(brand_id=principal.brand_id, payment_reference=reference).first()
            if existing is not None:
                return await _replay(existing, member.id, amounts, wallet)
            move = ledger.Movement(actor=actor, occurred_at=now, store_id=store.id, reason=f"top-up {reference}",
                                   idempotency_key=f"topup:{reference}")
            await ledger.grant(wallet, Bucket.PRINCIPAL, amounts.paid, origin_store_id=store.id, move=move,
                               kind=WalletLedgerKind.TOP_UP)
            if amounts.bonus:
                expires = now + timedelta(days=plan.bonus_expiry_days) if plan.bonus_expiry_days else None
                await ledger.grant(
                    wallet, Bucket.BONUS, amounts.bonus, origin_store_id=store.id, kind=WalletLedgerKind.BONUS,
                    usable_store_ids=plan.bonus_store_ids, expires_at=expires,
                    move=ledger.Movement(actor=actor, occurred_at=now, store_id=store.id,
                                         reason=f"bonus of plan {plan.id} for top-up {reference}",
                                         idempotency_key=f"topup-bonus:{reference}"),
                )
            if amounts.free:
                await _free_order(principal, wallet, store.id, amounts, reference, actor, now)
            top_up = await WalletTopUp.create(
                brand_id=principal.brand_id, member_id=member.id, store_id=store.id, plan=plan,
                payment_reference=reference, paid_minor=amounts.paid, bonus_minor=amounts.bonus,
                free_order_minor=amounts.free, order_id=amounts.order_id,
                gift_points=plan.gift_points if plan else 0,
            )
            await _gifts(principal, member.id, store.id, plan, amounts.paid, program, actor, reference, now)
            result = TopUpResult(top_up, wallet.principal_minor, wallet.bonus_minor, replayed=False)
            if plan is not None:
                await _plan_gifts(result, plan, actor, now)
            return result
    except IntegrityError:
        # The same reference for another member committed first: answer as a replay.
        existing = await WalletTopUp.filter(brand_id=principal.brand_id, payment_reference=reference).first()
        if existing is None:
            raise
        return await _replay(existing, member.id, amounts,
                             await Wallet.filter(member_id=existing.member_id).first())


async def _free_order(principal: Principal, wallet: Wallet, store_id: int, amounts: _Amounts, reference: str,
                      actor: str, now: datetime) -> None:
    """储值免单: the bill's amount is granted as bonus (this store, no expiry) and spent on the bill
    at once, so the ledger and the reports see both movements."""
    if await WalletPayment.filter(brand_id=principal.brand_id, order_id=amounts.order_id).exists():
        raise DomainError(WalletErrorCode.IDEMPOTENCY_CONFLICT, "This order was already paid by the wallet.", "orderId")
    _, free_grant = await ledger.grant(
        wallet, Bucket.BONUS, amounts.free, origin_store_id=store_id, kind=WalletLedgerKind.BONUS,
        usable_store_ids=[store_id],
        move=ledger.Movement(actor=actor, occurred_at=now, store_id=store_id, order_id=amounts.order_id,
                             reason=f"free order {amounts.order_id} for top-up {reference}",
                             idempotency_key=f"topup-free:{reference}"),
    )
    entry = await ledger.take_from(wallet, free_grant, amounts.free, move=ledger.Movement(
        actor=actor, occurred_at=now, store_id=store_id, order_id=amounts.order_id,
        reason=f"free order {amounts.order_id}", idempotency_key=f"pay:{amounts.order_id}"))
    await WalletPayment.create(brand_id=principal.brand_id, member_id=wallet.member_id, store_id=store_id,
                               order_id=amounts.order_id, amount_minor=amounts.free, principal_minor=0,
                               bonus_minor=amounts.free, entry=entry)


def _gift_key(top_up: WalletTopUp) -> str:
    return f"topup:{top_up.id}"


async def _plan_gifts(result: TopUpResult, plan: TopUpPlan, actor: str, now: datetime) -> None:
    """The plan's coupons and claimed gift card, keyed by the top-up (a replayed payment
    reference returns before this, and the keys would refuse a second issue anyway)."""
    top_up = result.top_up
    result.coupons = await gifts.give_coupons(
        brand_id=top_up.brand_id, member_id=top_up.member_id, template_ids=plan.gift_coupon_template_ids or [],
        key_prefix=_gift_key(top_up), source="TOP_UP", now=now, store_id=top_up.store_id, actor=actor)
    if plan.gift_card_template_id is None:
        return
    try:
        result.gift_card = await issue_claimed_card(
            brand_id=top_up.brand_id, member_id=top_up.member_id, template_id=plan.gift_card_template_id,
            idempotency_key=f"{_gift_key(top_up)}:giftcard", now=now, actor=actor, store_id=top_up.store_id)
    except DomainError as error:
        # HQ deactivated the template, or its cards' dates are over, after making the plan:
        # the payment still goes through without the card (the payload shows none was given).
        if error.code not in (GiftCardErrorCode.TEMPLATE_INACTIVE, GiftCardErrorCode.CARD_EXPIRED):
            raise


async def _gifts(principal: Principal, member_id: int, store_id: int, plan: TopUpPlan | None, paid: int,
                 program: TierProgram | None, actor: str, reference: str, now: datetime) -> None:
    """The plan's gift points and tier lift, and the STORED_VALUE tier lift, in this transaction
    (the points account lock serialises them with purchases and the tier jobs)."""
    gift_points = plan.gift_points if plan else 0
    lifts_tier = program is not None and (program.mode.value == "STORED_VALUE" or (plan and plan.gift_tier_level))
    if not gift_points and not lifts_tier:
        return
    account = await points_ledger.lock_account(principal.brand_id, member_id)
    upgrade = None
    if lifts_tier:
        upgrade = await tiers.qualify_top_up(principal.brand_id, member_id, top_up_minor=paid, at=now,
                                             program=program, at_least_level=plan.gift_tier_level if plan else None)
    points = gift_points + (upgrade.welcome_points if upgrade else 0)
    if points:
        rules = await points_rules.current_rules(principal.brand_id)
        zone = await points_rules.brand_timezone(principal.brand_id)
        await points_ledger.credit(
            account, points, kind=LedgerKind.EARN, expires_at=points_rules.expires_at(rules, now, zone),
            move=points_ledger.Movement(actor=actor, occurred_at=now, store_id=store_id, rule_version=rules.version,
                                        reason=f"top-up {reference} gifts"),
        )
