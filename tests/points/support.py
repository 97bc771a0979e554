"""GraphQL documents and plain helpers of the points API tests."""

from __future__ import annotations

from domain.points.models import PointsAccount, PointsLedgerEntry, PointsLot, PointsRules, Purchase, PurchaseRefund
from franchise.models import AuditEntry

ERRORS = "errors { code field message }"
PURCHASE = ("purchase { id orderId channel amount pointsEarned refundedAmount pointsReversed occurredAt "
            "store { id code } member { id } }")

RECORD = f"""mutation($input: RecordPurchaseInput!) {{
  recordPurchase(input: $input) {{ pointsEarned balance replayed {PURCHASE} {ERRORS} }} }}"""
RECORD_WITHOUT_MEMBER = f"""mutation($input: RecordPurchaseInput!) {{
  recordPurchase(input: $input) {{ pointsEarned balance replayed purchase {{ id orderId }} {ERRORS} }} }}"""
REFUND = f"""mutation($input: RefundPurchaseInput!) {{
  refundPurchase(input: $input) {{ pointsReversed debtAdded balance replayed
    purchase {{ orderId amount refundedAmount pointsEarned pointsReversed }} {ERRORS} }} }}"""
ADJUST = f"""mutation($input: AdjustPointsInput!) {{
  adjustPoints(input: $input) {{ entry {{ id kind points delta balanceAfter reason ruleVersion }} balance replayed
    {ERRORS} }} }}"""
RULES_FIELDS = ("version earnPoints earnPer tierMultipliers { level multiplier } walletPaidEarns "
                "activityPoints { activity points dailyCap } expiryPolicy expiryN dailyCap")
UPDATE_RULES = f"""mutation($input: UpdatePointsRulesInput!) {{
  updatePointsRules(input: $input) {{ rules {{ {RULES_FIELDS} }} {ERRORS} }} }}"""
RULES = f"{{ pointsRules {{ {RULES_FIELDS} }} }}"
ESTIMATE = """query($memberId: ID!, $storeId: ID!, $amount: Decimal!, $walletPaid: Decimal) {
  estimatePoints(memberId: $memberId, storeId: $storeId, amount: $amount, walletPaid: $walletPaid) { points } }"""
MEMBER_POINTS = """query($id: ID!, $first: Int = 20, $after: String, $days: Int = 30) { member(id: $id) {
  points pointsDebt lifetimePoints expiringPoints(withinDays: $days)
  pointsLedger(first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id kind points delta balanceAfter ruleVersion reason occurredAt createdAt
      store { code } } } } } }"""


def purchase_input(world, order_id: str = "o-1", amount: str = "88.50", *, member=None, store=None, **more) -> dict:
    member, store = member or world.member_a, store or world.store_a
    return {"memberId": str(member.id), "storeId": str(store.id), "amount": amount, "orderId": order_id, **more}


async def record(gql, token, input: dict, document: str = RECORD, **kw) -> dict:
    body = await gql(document, {"input": input}, token=token, **kw)
    return body if kw.get("expect_errors") else body["data"]["recordPurchase"]


async def refund(gql, token, order_id: str, refund_id: str, amount: str, **kw) -> dict:
    input = {"orderId": order_id, "refundId": refund_id, "amount": amount, **kw.pop("more", {})}
    body = await gql(REFUND, {"input": input}, token=token, **kw)
    return body if kw.get("expect_errors") else body["data"]["refundPurchase"]


async def adjust(gql, token, member, delta: int, key: str, reason: str = "goodwill", **kw) -> dict:
    input = {"memberId": str(member.id), "delta": delta, "reason": reason, "idempotencyKey": key}
    body = await gql(ADJUST, {"input": input}, token=token, **kw)
    return body if kw.get("expect_errors") else body["data"]["adjustPoints"]


async def update_rules(gql, token, **input) -> dict:
    return (await gql(UPDATE_RULES, {"input": input}, token=token))["data"]["updatePointsRules"]


def error_codes(body: dict) -> list[str | None]:
    """The `extensions.code` of every top-level error."""
    return [(error.get("extensions") or {}).get("code") for error in body.get("errors") or []]


def payload_errors(payload: dict) -> list[tuple[str, str | None]]:
    return [(e["code"], e["field"]) for e in payload["errors"]]


async def balance_of(member) -> int:
    account = await PointsAccount.filter(member_id=member.id).first()
    return account.balance if account else 0


# Every table a points call may write to.
POINTS_MODELS = (PointsRules, PointsAccount, PointsLedgerEntry, PointsLot, Purchase, PurchaseRefund, AuditEntry)


async def points_snapshot(brand_id: int | None = None) -> dict[str, list[dict]]:
    snapshot = {}
    for model in POINTS_MODELS:
        query = model.all()
        if brand_id is not None:
            query = query.filter(purchase__brand_id=brand_id) if model is PurchaseRefund else query.filter(
                brand_id=brand_id)
        snapshot[model.__name__] = await query.order_by("id").values()
    return snapshot
