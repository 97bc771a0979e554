"""GraphQL documents and helpers of the wallet tests."""

from __future__ import annotations

from decimal import Decimal

from domain.coupons import service as coupons
from domain.coupons.models import CouponKind
from domain.wallet import membership, plans, topups
from domain.wallet.models import (PaidMembership, PaidMembershipLedgerEntry, PaidMembershipPlan, PeriodUnit, TopUpPlan,
                                  Wallet, WalletGrant, WalletLedgerEntry, WalletLedgerLine, WalletPayment,
                                  WalletSettings, WalletTopUp)
from domain.wallet.verify import verify_wallets
from franchise.models import AuditEntry
from tests.factories import hq

ERRORS = "errors { code field message }"
PAYMENT = "payment { id orderId amount principalAmount bonusAmount refunded store { code } }"
TOP_UP = f"""mutation($input: TopUpWalletInput!) {{ topUpWallet(input: $input) {{
  topUp {{ id paymentReference paidAmount bonusAmount freeOrderAmount orderId giftPoints }}
  principal bonus replayed giftCouponIds giftCardId {ERRORS} }} }}"""
PAY = f"""mutation($input: PayWithWalletInput!) {{ payWithWallet(input: $input) {{
  {PAYMENT} principal bonus replayed {ERRORS} }} }}"""
REFUND_PAYMENT = f"""mutation($input: RefundWalletPaymentInput!) {{ refundWalletPayment(input: $input) {{
  {PAYMENT} principal bonus replayed {ERRORS} }} }}"""
REFUND_BALANCE = f"""mutation($input: RefundWalletBalanceInput!) {{ refundWalletBalance(input: $input) {{
  principalRefunded bonusForfeited replayed {ERRORS} }} }}"""
PLAN_FIELDS = ("id name kind payAmount bonusAmount freeOrderMultiple offeredStoreIds bonusStoreIds "
               "bonusExpiryDays giftPoints giftTierLevel giftCouponTemplateIds giftCardTemplateId activeFrom activeTo "
               "active")
UPSERT_PLAN = f"""mutation($input: UpsertTopUpPlanInput!) {{ upsertTopUpPlan(input: $input) {{
  plan {{ {PLAN_FIELDS} }} {ERRORS} }} }}"""
PLANS = f"""query($storeId: ID!) {{ topUpPlans(storeId: $storeId) {{ {PLAN_FIELDS} }} }}"""
SETTINGS = "{ walletSettings { consumptionRule } }"
UPDATE_SETTINGS = f"""mutation($input: UpdateWalletSettingsInput!) {{ updateWalletSettings(input: $input) {{
  consumptionRule {ERRORS} }} }}"""
LIABILITY = """query($storeId: ID) { storedValueLiability(storeId: $storeId) {
  principal bonus total byStore { store { code } principal bonus total } } }"""
MEMBER_WALLET = """query($id: ID!, $storeId: ID) { member(id: $id) { wallet(storeId: $storeId) {
  principal bonus usableBonus usableAtStore
  bonusGrants { amount remaining usableStoreIds expiresAt originStore { code } }
  ledger(first: 20) { totalCount edges { node { kind principalDelta bonusDelta principalAfter bonusAfter
    orderId reason store { code } } } } } } }"""
MEMBERSHIP_FIELDS = ("membership { state startedAt endsAt plan { id name price } "
                     "benefits { discountPercent pointsMultiplier earlyAccessTag } } "
                     "entry { kind amount periodStart periodEnd }")
UPSERT_MEMBERSHIP_PLAN = f"""mutation($input: UpsertPaidMembershipPlanInput!) {{
  upsertPaidMembershipPlan(input: $input) {{ plan {{ id name price periodUnit periodCount refundWindowDays active
    couponTemplateIds
    benefits {{ discountPercent pointsMultiplier earlyAccessTag }} }} {ERRORS} }} }}"""
PURCHASE_MEMBERSHIP = f"""mutation($input: PurchasePaidMembershipInput!) {{
  purchasePaidMembership(input: $input) {{ {MEMBERSHIP_FIELDS} replayed {ERRORS} }} }}"""
REFUND_MEMBERSHIP = f"""mutation($input: RefundPaidMembershipInput!) {{
  refundPaidMembership(input: $input) {{ {MEMBERSHIP_FIELDS} replayed {ERRORS} }} }}"""
MEMBER_MEMBERSHIP = """query($id: ID!) { member(id: $id) { paidMembership { state startedAt endsAt
  plan { name } benefits { discountPercent pointsMultiplier earlyAccessTag } } } }"""


def money(value: str) -> Decimal:
    return Decimal(value)


def error_codes(body: dict) -> list[str | None]:
    return [(error.get("extensions") or {}).get("code") for error in body.get("errors") or []]


def payload_errors(payload: dict) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def make_plan(world, **fields) -> TopUpPlan:
    return await plans.upsert_top_up_plan(hq(world.admin), plans.PlanInput(**{"name": "plan", **fields}))


async def top_up(world, amount: str | None = None, *, member=None, store=None, ref: str = "t-1",
                 plan: TopUpPlan | None = None, now=None, **more) -> topups.TopUpResult:
    member, store = member or world.member_a, store or world.store_a
    return await topups.top_up_wallet(hq(world.admin), member_id=member.id, store_id=store.id, payment_reference=ref,
                                      plan_id=plan.id if plan else None, amount=amount, now=now, **more)


async def make_membership_plan(world, **fields) -> PaidMembershipPlan:
    values = {"name": "Plus", "price_minor": 199_00, "period_unit": PeriodUnit.MONTHS, "period_count": 12,
              "discount_percent": 5, "points_multiplier": "2", "early_access_tag": "plus-early",
              "refund_window_days": 7, **fields}
    return await membership.upsert_paid_membership_plan(hq(world.admin), membership.MembershipPlanInput(**values))


async def wallet_of(member) -> tuple[int, int]:
    wallet = await Wallet.filter(member_id=member.id).first()
    return (wallet.principal_minor, wallet.bonus_minor) if wallet else (0, 0)


async def assert_consistent() -> None:
    assert await verify_wallets() == []


# Every table a wallet call may write to (points and tiers are covered by their own snapshots).
WALLET_MODELS = (TopUpPlan, WalletSettings, Wallet, WalletLedgerEntry, WalletGrant, WalletLedgerLine, WalletTopUp,
                 WalletPayment, PaidMembershipPlan, PaidMembership, PaidMembershipLedgerEntry, AuditEntry)


async def wallet_snapshot(brand_id: int | None = None) -> dict[str, list[dict]]:
    snapshot = {}
    for model in WALLET_MODELS:
        query = model.all() if brand_id is None else model.filter(brand_id=brand_id)
        snapshot[model.__name__] = await query.order_by("id").values()
    return snapshot


async def make_coupon_template(world, name: str = "5 off", *, admin=None, **fields):
    values = {"name": name, "kind": CouponKind.AMOUNT_OFF, "amount_off": "5.00", "valid_days": 30, **fields}
    return await coupons.create_coupon_template(hq(admin or world.admin), coupons.TemplateInput(**values))
