"""Points through GraphQL: earning, replays, refunds, adjustments, estimates, HQ's rules, a
member's balance and ledger, and the federated Order and Product."""

from datetime import datetime, timedelta, timezone

import pytest

from domain.points.models import LedgerKind, PointsLedgerEntry, Purchase
from domain.points.verify import verify_ledgers
from franchise.models import AuditEntry
from tests.factories import make_member, make_store
from tests.points.support import (
    ESTIMATE, MEMBER_POINTS, RULES, adjust, balance_of, error_codes, payload_errors, points_snapshot,
    purchase_input, record, refund, update_rules,
)


async def member_points(gql, token, member, **variables) -> dict:
    return (await gql(MEMBER_POINTS, {"id": str(member.id), **variables}, token=token))["data"]["member"]


# --- recordPurchase ----------------------------------------------------------------------------


async def test_clerk_records_a_purchase_and_the_member_earns_one_point_per_yuan_rounded_down(gql, world):
    # when store A's clerk records an order of 88.50 for member A (platform default: 1 per 1.00)
    payload = await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-1", "88.50"))

    # then 88 points, credited to store A
    assert payload["errors"] == []
    assert (payload["pointsEarned"], payload["balance"], payload["replayed"]) == (88, 88, False)
    purchase = payload["purchase"]
    assert purchase | {"id": None, "occurredAt": None} == {
        "id": None, "orderId": "o-1", "channel": "STORE", "amount": "88.50", "pointsEarned": 88,
        "refundedAmount": "0.00", "pointsReversed": 0, "occurredAt": None,
        "store": {"id": str(world.store_a.id), "code": "A"}, "member": {"id": str(world.member_a.id)},
    }
    entry = await PointsLedgerEntry.get(member_id=world.member_a.id)
    assert (entry.kind, entry.delta, entry.store_id, entry.rule_version) == (LedgerKind.EARN, 88, world.store_a.id, 1)
    assert await verify_ledgers() == []


async def test_replayed_order_returns_the_first_result_and_earns_once(gql, world):
    # given an order recorded once
    first = await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-1", "120.00"))

    # when the POS sends it again
    again = await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-1", "120.00"))

    # then the same purchase, marked as a replay, and one earning
    assert again["errors"] == []
    assert (again["pointsEarned"], again["balance"], again["replayed"]) == (120, 120, True)
    assert again["purchase"]["id"] == first["purchase"]["id"]
    assert await PointsLedgerEntry.filter(member_id=world.member_a.id).count() == 1


async def test_same_order_id_on_another_channel_is_another_order(gql, world):
    await record(gql, world.tokens["hq_admin"], purchase_input(world, "o-1", "10.00"))

    tmall = await record(gql, world.tokens["hq_admin"], purchase_input(world, "o-1", "10.00", channel="TMALL"))

    assert (tmall["replayed"], tmall["balance"], tmall["purchase"]["channel"]) == (False, 20, "TMALL")


async def test_order_id_reused_for_another_member_is_an_order_conflict(gql, world):
    # given order o-1 earned for member A
    await record(gql, world.tokens["hq_admin"], purchase_input(world, "o-1", "50.00"))
    before = await points_snapshot()

    # when the same order id comes for member B, or with another amount
    other_member = await record(gql, world.tokens["hq_admin"], purchase_input(world, "o-1", "50.00",
                                                                              member=world.member_b))
    other_amount = await record(gql, world.tokens["hq_admin"], purchase_input(world, "o-1", "51.00"))

    # then both are refused and nothing changes
    assert payload_errors(other_member) == payload_errors(other_amount) == [("ORDER_CONFLICT", "orderId")]
    assert other_member["purchase"] is None and other_member["pointsEarned"] is None
    assert await points_snapshot() == before


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param({"amount": "-10.00"}, ("INVALID_AMOUNT", "amount"), id="negative-amount"),
        pytest.param({"amount": "0"}, ("INVALID_AMOUNT", "amount"), id="zero-amount"),
        pytest.param({"amount": "10.001"}, ("INVALID_AMOUNT", "amount"), id="three-decimals"),
        pytest.param({"walletPaid": "0.005"}, ("INVALID_AMOUNT", "walletPaid"), id="wallet-three-decimals"),
        pytest.param({"walletPaid": "99.00"}, ("INVALID_INPUT", "walletPaid"), id="wallet-paid-more-than-order"),
        pytest.param({"memberId": "987654321"}, ("MEMBER_NOT_FOUND", "memberId"), id="unknown-member"),
        pytest.param({"memberId": "x"}, ("INVALID_INPUT", "memberId"), id="member-id-not-an-id"),
        pytest.param({"storeId": "987654321"}, ("STORE_NOT_FOUND", "storeId"), id="unknown-store"),
        pytest.param({"orderId": "  "}, ("REQUIRED", "orderId"), id="blank-order-id"),
        pytest.param({"orderId": "o" * 65}, ("TOO_LONG", "orderId"), id="order-id-too-long"),
    ],
)
async def test_bad_purchase_input_is_a_user_error_and_records_nothing(gql, world, change, expected):
    before = await points_snapshot()

    payload = await record(gql, world.tokens["hq_admin"], purchase_input(world, "o-1", "10.00") | change)

    assert payload_errors(payload) == [expected]
    assert payload["purchase"] is None
    assert await points_snapshot() == before


async def test_member_of_another_brand_is_not_found(gql, world):
    payload = await record(gql, world.tokens["hq_admin"], purchase_input(world, member=world.other_member))

    assert payload_errors(payload) == [("MEMBER_NOT_FOUND", "memberId")]


async def test_wallet_paid_part_earns_nothing_by_default(gql, world):
    payload = await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-1", "100.00", walletPaid="40.00"))

    assert payload["pointsEarned"] == 60


async def test_any_store_serves_any_member_of_the_brand(gql, world):
    # one card, every store: member B (home store B) buys at store A
    payload = await record(gql, world.tokens["hq_admin"], purchase_input(world, "o-1", "30.00",
                                                                         member=world.member_b))

    assert (payload["pointsEarned"], payload["purchase"]["store"]["code"]) == (30, "A")


async def test_purchase_member_is_refused_to_a_clerk_who_may_not_read_that_member(gql, world):
    # store A's clerk records member B's purchase at store A, but member B belongs to store B
    body = await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-1", "30.00", member=world.member_b),
                        expect_errors=True)

    payload = body["data"]["recordPurchase"]
    assert payload["pointsEarned"] == 30 and payload["purchase"]["member"] is None
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["path"] == ["recordPurchase", "purchase", "member"]


# --- refundPurchase ----------------------------------------------------------------------------


async def test_partial_then_full_refund_reverses_points_in_proportion(gql, world):
    # given an order of 99.00 that earned 99 points
    await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-1", "99.00"))
    token = world.tokens["manager_a"]

    # when a third is refunded, then the rest
    part = await refund(gql, token, "o-1", "r-1", "33.00")
    rest = await refund(gql, token, "o-1", "r-2", "66.00")

    # then 33 and 66 points come back off the balance, exactly what was earned in all
    assert (part["pointsReversed"], part["debtAdded"], part["balance"], part["replayed"]) == (33, 0, 66, False)
    assert (rest["pointsReversed"], rest["debtAdded"], rest["balance"]) == (66, 0, 0)
    assert rest["purchase"] == {"orderId": "o-1", "amount": "99.00", "refundedAmount": "99.00",
                                "pointsEarned": 99, "pointsReversed": 99}
    assert await verify_ledgers() == []


async def test_partial_refunds_round_down_and_the_last_part_takes_the_remainder(gql, world):
    await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-1", "10.00"))  # 10 points
    token = world.tokens["manager_a"]

    parts = [await refund(gql, token, "o-1", f"r-{i}", "3.33") for i in range(3)]
    last = await refund(gql, token, "o-1", "r-last", "0.01")

    assert [p["pointsReversed"] for p in parts] == [3, 3, 3]
    assert (last["pointsReversed"], last["balance"]) == (1, 0)


async def test_replayed_refund_reverses_nothing_twice(gql, world):
    await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-1", "80.00"))
    first = await refund(gql, world.tokens["manager_a"], "o-1", "r-1", "40.00")

    again = await refund(gql, world.tokens["manager_a"], "o-1", "r-1", "40.00")

    assert (first["pointsReversed"], first["replayed"]) == (40, False)
    assert (again["pointsReversed"], again["replayed"], again["balance"]) == (40, True, 40)
    assert await PointsLedgerEntry.filter(kind=LedgerKind.REVERSE).count() == 1


async def test_refund_id_replayed_with_another_amount_is_an_idempotency_conflict(gql, world):
    await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-1", "80.00"))
    await refund(gql, world.tokens["manager_a"], "o-1", "r-1", "40.00")

    again = await refund(gql, world.tokens["manager_a"], "o-1", "r-1", "30.00")

    assert payload_errors(again) == [("IDEMPOTENCY_CONFLICT", "refundId")]


async def test_refund_after_points_were_spent_leaves_a_debt_not_a_negative_balance(gql, world):
    # given 100 points earned, 80 of them spent
    await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-1", "100.00"))
    await adjust(gql, world.tokens["hq_admin"], world.member_a, -80, "k-1", reason="spent at a partner")

    # when the whole order is refunded
    payload = await refund(gql, world.tokens["manager_a"], "o-1", "r-1", "100.00")

    # then the 20 left are taken and 80 become a debt that the member sees
    assert (payload["pointsReversed"], payload["debtAdded"], payload["balance"]) == (100, 80, 0)
    seen = await member_points(gql, world.tokens["hq_admin"], world.member_a)
    assert (seen["points"], seen["pointsDebt"]) == (0, 80)
    # and the next earning settles the debt first
    later = await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-2", "90.00"))
    assert later["balance"] == 10
    assert (await member_points(gql, world.tokens["hq_admin"], world.member_a))["pointsDebt"] == 0
    assert await verify_ledgers() == []


async def test_refund_larger_than_the_order_is_refused_and_changes_nothing(gql, world):
    await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-1", "50.00"))
    await refund(gql, world.tokens["manager_a"], "o-1", "r-1", "20.00")
    before = await points_snapshot()

    payload = await refund(gql, world.tokens["manager_a"], "o-1", "r-2", "30.01")

    assert payload_errors(payload) == [("REFUND_EXCEEDS_PURCHASE", "amount")]
    assert payload["purchase"] is None
    assert await points_snapshot() == before


@pytest.mark.parametrize(
    ("order_id", "refund_id", "amount", "expected"),
    [
        pytest.param("nope", "r-1", "1.00", ("PURCHASE_NOT_FOUND", "orderId"), id="unknown-order"),
        pytest.param("o-1", "r-1", "-1.00", ("INVALID_AMOUNT", "amount"), id="negative-amount"),
        pytest.param("o-1", "r-1", "1.001", ("INVALID_AMOUNT", "amount"), id="three-decimals"),
        pytest.param("o-1", " ", "1.00", ("REQUIRED", "refundId"), id="blank-refund-id"),
    ],
)
async def test_bad_refund_input_is_a_user_error(gql, world, order_id, refund_id, amount, expected):
    await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-1", "50.00"))
    before = await points_snapshot()

    payload = await refund(gql, world.tokens["hq_admin"], order_id, refund_id, amount)

    assert payload_errors(payload) == [expected]
    assert await points_snapshot() == before


async def test_refund_names_the_channel_of_the_order(gql, world):
    await record(gql, world.tokens["hq_admin"], purchase_input(world, "o-1", "50.00", channel="JD"))

    store_channel = await refund(gql, world.tokens["hq_admin"], "o-1", "r-1", "10.00")
    jd = await refund(gql, world.tokens["hq_admin"], "o-1", "r-1", "10.00", more={"channel": "JD"})

    assert payload_errors(store_channel) == [("PURCHASE_NOT_FOUND", "orderId")]
    assert (jd["pointsReversed"], jd["balance"]) == (10, 40)


# --- adjustPoints ------------------------------------------------------------------------------


async def test_hq_admin_adjusts_points_with_a_reason_once_per_key(gql, world):
    token = world.tokens["hq_admin"]

    first = await adjust(gql, token, world.member_a, 500, "k-1", reason="store opening gift")
    again = await adjust(gql, token, world.member_a, 500, "k-1", reason="store opening gift")
    taken = await adjust(gql, token, world.member_a, -120, "k-2", reason="duplicate gift")

    assert first["errors"] == [] and first["replayed"] is False
    assert first["entry"] | {"id": None} == {"id": None, "kind": "ADJUST", "points": 500, "delta": 500,
                                             "balanceAfter": 500, "reason": "store opening gift", "ruleVersion": 1}
    assert (again["replayed"], again["balance"], again["entry"]["id"]) == (True, 500, first["entry"]["id"])
    assert (taken["entry"]["delta"], taken["balance"]) == (-120, 380)
    assert await balance_of(world.member_a) == 380
    assert await verify_ledgers() == []


@pytest.mark.parametrize(
    ("delta", "reason", "key", "expected"),
    [
        pytest.param(10, "", "k-9", ("REQUIRED", "reason"), id="no-reason"),
        pytest.param(10, "   ", "k-9", ("REQUIRED", "reason"), id="blank-reason"),
        pytest.param(10, "gift", "", ("REQUIRED", "idempotencyKey"), id="no-key"),
        pytest.param(0, "gift", "k-9", ("INVALID_INPUT", "delta"), id="zero-delta"),
        pytest.param(-101, "fix", "k-9", ("INSUFFICIENT_POINTS", "points"), id="more-than-the-balance"),
        pytest.param(20, "gift", "k-1", ("IDEMPOTENCY_CONFLICT", "idempotencyKey"), id="key-reused-for-another-delta"),
    ],
)
async def test_bad_adjustment_is_a_user_error_and_changes_nothing(gql, world, delta, reason, key, expected):
    await adjust(gql, world.tokens["hq_admin"], world.member_a, 100, "k-1")
    before = await points_snapshot()

    payload = await adjust(gql, world.tokens["hq_admin"], world.member_a, delta, key, reason=reason)

    assert payload_errors(payload) == [expected]
    assert payload["entry"] is None
    assert await points_snapshot() == before


async def test_adjusting_an_unknown_member_is_member_not_found(gql, world):
    payload = await adjust(gql, world.tokens["hq_admin"], world.other_member, 10, "k-1")

    assert payload_errors(payload) == [("MEMBER_NOT_FOUND", "memberId")]


# --- estimatePoints ----------------------------------------------------------------------------


async def test_member_sees_what_an_order_would_earn_before_paying(gql, world):
    variables = {"memberId": str(world.member_a.id), "storeId": str(world.store_b.id), "amount": "259.90"}

    estimate = await gql(ESTIMATE, variables, token=world.tokens["member"])
    with_wallet = await gql(ESTIMATE, variables | {"walletPaid": "100.00"}, token=world.tokens["member"])

    assert estimate["data"]["estimatePoints"] == {"points": 259}
    assert with_wallet["data"]["estimatePoints"] == {"points": 159}
    assert await Purchase.all().count() == 0


@pytest.mark.parametrize(
    ("change", "code"),
    [
        pytest.param({"amount": "-1"}, "INVALID_AMOUNT", id="negative-amount"),
        pytest.param({"amount": "1.001"}, "INVALID_AMOUNT", id="three-decimals"),
        pytest.param({"memberId": "987654321"}, "MEMBER_NOT_FOUND", id="unknown-member"),
        pytest.param({"storeId": "987654321"}, "STORE_NOT_FOUND", id="unknown-store"),
    ],
)
async def test_estimate_of_bad_input_is_an_error_with_its_code(gql, world, change, code):
    variables = {"memberId": str(world.member_a.id), "storeId": str(world.store_a.id), "amount": "10"} | change

    body = await gql(ESTIMATE, variables, token=world.tokens["hq_admin"], expect_errors=True)

    assert body["data"] is None
    assert error_codes(body) == [code]


# --- HQ's rules --------------------------------------------------------------------------------


async def test_new_rules_apply_from_the_next_purchase_and_the_ledger_keeps_each_version(gql, world):
    # given a purchase under the platform defaults (version 1: 1 point per 1.00)
    await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-1", "250.00"))

    # when HQ sets 10 points per 100.00, with a daily cap and activity points
    payload = await update_rules(
        gql, world.tokens["hq_admin"], earnPoints=10, earnPer="100.00", dailyCap=5000,
        tierMultipliers=[{"level": 3, "multiplier": "2"}, {"level": 1, "multiplier": "1.25"}],
        activityPoints=[{"activity": "SHARE", "points": 5, "dailyCap": 15}, {"activity": "CHECK_IN", "points": 2}],
        expiryPolicy="END_OF_YEAR_AFTER", expiryN=1,
    )
    later = await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-2", "300.00"))

    # then version 2 holds what was asked, the next purchase earns by it, and each entry names its version
    assert payload["errors"] == []
    assert payload["rules"] == {
        "version": 2, "earnPoints": 10, "earnPer": "100.00",
        "tierMultipliers": [{"level": 1, "multiplier": "1.25"}, {"level": 3, "multiplier": "2"}],
        "walletPaidEarns": False,
        "activityPoints": [{"activity": "CHECK_IN", "points": 2, "dailyCap": 0},
                           {"activity": "SHARE", "points": 5, "dailyCap": 15}],
        "expiryPolicy": "END_OF_YEAR_AFTER", "expiryN": 1, "dailyCap": 5000,
    }
    assert later["pointsEarned"] == 30
    ledger = await member_points(gql, world.tokens["hq_admin"], world.member_a)
    assert [(e["node"]["delta"], e["node"]["ruleVersion"]) for e in ledger["pointsLedger"]["edges"]] == [
        (30, 2), (250, 1)]
    read = await gql(RULES, token=world.tokens["clerk_a"])
    assert read["data"]["pointsRules"] == payload["rules"]


async def test_rules_change_only_what_is_given_and_clear_daily_cap_removes_the_cap(gql, world):
    token = world.tokens["hq_admin"]
    await update_rules(gql, token, dailyCap=300, earnPoints=2)

    cleared = await update_rules(gql, token, clearDailyCap=True)

    assert (cleared["rules"]["version"], cleared["rules"]["dailyCap"], cleared["rules"]["earnPoints"]) == (3, None, 2)


async def test_daily_cap_limits_what_purchases_earn_in_a_day(gql, world):
    await update_rules(gql, world.tokens["hq_admin"], dailyCap=100)

    first = await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-1", "80.00"))
    second = await record(gql, world.tokens["clerk_a"], purchase_input(world, "o-2", "80.00"))

    assert (first["pointsEarned"], second["pointsEarned"], second["balance"]) == (80, 20, 100)


@pytest.mark.parametrize(
    ("input", "expected"),
    [
        pytest.param({"earnPoints": 0}, ("INVALID_RULES", "earnPoints"), id="no-points"),
        pytest.param({"earnPer": "0"}, ("INVALID_AMOUNT", "earnPer"), id="zero-spend-step"),
        pytest.param({"earnPer": "1.001"}, ("INVALID_AMOUNT", "earnPer"), id="spend-step-three-decimals"),
        pytest.param({"expiryN": 0}, ("INVALID_RULES", "expiryN"), id="no-expiry-period"),
        pytest.param({"dailyCap": 0}, ("INVALID_RULES", "dailyCap"), id="zero-daily-cap"),
        pytest.param({"tierMultipliers": [{"level": 11, "multiplier": "2"}]}, ("INVALID_RULES", "tierMultipliers"),
                     id="level-eleven"),
        pytest.param({"tierMultipliers": [{"level": 1, "multiplier": "1.555"}]},
                     ("INVALID_RULES", "tierMultipliers"), id="multiplier-three-decimals"),
        pytest.param({"tierMultipliers": [{"level": 1, "multiplier": "2"}, {"level": 1, "multiplier": "3"}]},
                     ("INVALID_RULES", "tierMultipliers"), id="level-twice"),
        pytest.param({"activityPoints": [{"activity": "SHARE", "points": -1}]},
                     ("INVALID_RULES", "activityPoints"), id="negative-activity-points"),
    ],
)
async def test_bad_rules_are_a_user_error_and_keep_the_current_version(gql, world, input, expected):
    await gql(RULES, token=world.tokens["hq_admin"])  # version 1 exists
    before = await points_snapshot()

    payload = await update_rules(gql, world.tokens["hq_admin"], **input)

    assert payload_errors(payload) == [expected]
    assert payload["rules"] is None
    assert await points_snapshot() == before


async def test_rules_change_is_audited(gql, world):
    await update_rules(gql, world.tokens["hq_admin"], earnPoints=3)
    entry = await AuditEntry.get(action="points_rules.update")
    assert entry.actor == f"staff:{world.admin.id}"
    assert entry.changes["earnPoints"] == [1, 3]


# --- a member's points -------------------------------------------------------------------------


async def test_member_reads_its_balance_ledger_newest_first_and_points_expiring_soon(gql, world):
    # given an order from 355 days ago (its lot expires in about 11 days), a recent one, a gift
    now = datetime.now(timezone.utc)
    await record(gql, world.tokens["hq_admin"], purchase_input(world, "old", "40.00",
                                                               occurredAt=(now - timedelta(days=355)).isoformat()))
    await record(gql, world.tokens["hq_admin"], purchase_input(world, "new", "25.00", store=world.store_b))
    await adjust(gql, world.tokens["hq_admin"], world.member_a, 7, "k-1", reason="birthday")

    # when the member reads its points, two ledger entries a page
    token = world.tokens["member"]
    page_one = await member_points(gql, token, world.member_a, first=2)
    page_two = await member_points(gql, token, world.member_a, first=2,
                                   after=page_one["pointsLedger"]["pageInfo"]["endCursor"])
    soon = await member_points(gql, token, world.member_a, days=5)

    # then
    assert (page_one["points"], page_one["pointsDebt"], page_one["lifetimePoints"]) == (72, 0, 65)
    assert (page_one["expiringPoints"], soon["expiringPoints"]) == (40, 0)
    ledger = page_one["pointsLedger"]
    assert ledger["totalCount"] == 3 and ledger["pageInfo"]["hasNextPage"] is True
    assert [(e["node"]["kind"], e["node"]["delta"], e["node"]["balanceAfter"], e["node"]["reason"],
             (e["node"]["store"] or {}).get("code")) for e in ledger["edges"]] == [
        ("ADJUST", 7, 72, "birthday", None), ("EARN", 25, 65, "STORE order new", "B")]
    assert [(e["node"]["delta"], e["node"]["store"]["code"]) for e in page_two["pointsLedger"]["edges"]] == [(40, "A")]
    assert page_two["pointsLedger"]["pageInfo"]["hasNextPage"] is False


async def test_member_who_never_earned_has_zero_points_and_an_empty_ledger(gql, world):
    seen = await member_points(gql, world.tokens["member"], world.member_a)

    assert (seen["points"], seen["pointsDebt"], seen["lifetimePoints"], seen["expiringPoints"]) == (0, 0, 0, 0)
    assert seen["pointsLedger"]["edges"] == [] and seen["pointsLedger"]["totalCount"] == 0


@pytest.mark.parametrize("days", [-1, 3661])
async def test_expiring_points_horizon_outside_zero_to_ten_years_is_refused(gql, world, days):
    body = await gql(MEMBER_POINTS, {"id": str(world.member_a.id), "days": days}, token=world.tokens["member"],
                     expect_errors=True)

    assert error_codes(body) == ["INVALID_INPUT"]


async def test_points_of_another_stores_member_are_forbidden_to_a_store_manager(gql, world):
    body = await gql(MEMBER_POINTS, {"id": str(world.member_a.id)}, token=world.tokens["manager_b"],
                     expect_errors=True)

    assert error_codes(body) == ["FORBIDDEN"]
    assert body["data"]["member"] is None


MEMBERS_WITH_POINTS = """query($first: Int!) { members(first: $first) {
  edges { node { id points pointsDebt lifetimePoints expiringPoints } } } }"""


async def test_a_page_of_fifty_members_with_points_costs_the_same_queries_as_a_page_of_five(
    gql, world, count_queries
):
    # given 50 members, each with a purchase
    store_c = await make_store(world.admin, "C")
    members = [world.member_a, world.member_b] + [await make_member(world.brand, store_c) for _ in range(48)]
    token = world.tokens["hq_admin"]
    for i, member in enumerate(members):
        await record(gql, token, purchase_input(world, f"o-{i}", f"{i + 1}.00", member=member),
                     document="mutation($input: RecordPurchaseInput!) { recordPurchase(input: $input) { balance } }")

    # when
    with count_queries() as small:
        five = await gql(MEMBERS_WITH_POINTS, {"first": 5}, token=token)
    with count_queries() as large:
        fifty = await gql(MEMBERS_WITH_POINTS, {"first": 50}, token=token)

    # then: the caller, the count, the page, the accounts, the expiring lots, whatever the page holds
    nodes = [e["node"] for e in fifty["data"]["members"]["edges"]]
    assert len(five["data"]["members"]["edges"]) == 5 and len(nodes) == 50
    assert sum(n["points"] for n in nodes) == sum(range(1, 51))
    assert small.count == large.count == 5, large.queries


# --- federation ----------------------------------------------------------------------------------

ORDERS = """query($reps: [_Any!]!) { _entities(representations: $reps) {
  ... on Order { id pointsEarned member { id name } } } }"""
PRODUCTS = """query($reps: [_Any!]!, $storeId: ID!, $memberId: ID!) { _entities(representations: $reps) {
  ... on Product { sku estimatedPoints(storeId: $storeId, memberId: $memberId) } } }"""


def orders(*ids: str) -> dict:
    return {"reps": [{"__typename": "Order", "id": i} for i in ids]}


async def test_commerce_order_shows_the_points_it_earned_and_its_member(gql, world):
    # given an order recorded at the counter and the same order id imported from Tmall
    await record(gql, world.tokens["hq_admin"], purchase_input(world, "T-1", "30.00", channel="TMALL",
                                                               member=world.member_b))
    await record(gql, world.tokens["hq_admin"], purchase_input(world, "T-1", "66.00"))

    # when the router asks for the order and for one we never saw
    body = await gql(ORDERS, orders("T-1", "unknown"), token=world.tokens["hq_admin"])

    # then the counter's record answers, and the unknown order earned nothing here
    assert body["data"]["_entities"] == [
        {"id": "T-1", "pointsEarned": 66, "member": {"id": str(world.member_a.id), "name": "Han Meimei"}},
        {"id": "unknown", "pointsEarned": None, "member": None},
    ]


async def test_orders_of_a_page_cost_the_same_queries_as_one(gql, world, count_queries):
    for i in range(10):
        await record(gql, world.tokens["hq_admin"], purchase_input(world, f"o-{i}", "10.00"))

    with count_queries() as one:
        await gql(ORDERS, orders("o-0"), token=world.tokens["hq_admin"])
    with count_queries() as ten:
        await gql(ORDERS, orders(*(f"o-{i}" for i in range(10))), token=world.tokens["hq_admin"])

    assert one.count == ten.count, ten.queries


@pytest.mark.parametrize("order_id", ["o-1", "unknown"], ids=["order-of-another-stores-member", "unknown-order"])
async def test_store_manager_is_refused_an_order_of_another_stores_member_as_an_unknown_one(gql, world, order_id):
    await record(gql, world.tokens["hq_admin"], purchase_input(world, "o-1", "30.00"))

    body = await gql(ORDERS, orders(order_id), token=world.tokens["manager_b"], expect_errors=True)

    assert set(error_codes(body)) == {"FORBIDDEN"}
    assert body["data"]["_entities"] == [{"id": order_id, "pointsEarned": None, "member": None}]


async def test_order_of_another_brand_is_unknown(gql, world):
    await record(gql, world.tokens["hq_admin"], purchase_input(world, "o-1", "30.00"))

    body = await gql(ORDERS, orders("o-1"), token=world.tokens["other_admin"])

    assert body["data"]["_entities"] == [{"id": "o-1", "pointsEarned": None, "member": None}]


async def test_member_reads_its_own_order_and_not_another_members(gql, world):
    await record(gql, world.tokens["hq_admin"], purchase_input(world, "mine", "30.00"))
    await record(gql, world.tokens["hq_admin"], purchase_input(world, "theirs", "30.00", member=world.member_b))

    mine = await gql(ORDERS, orders("mine"), token=world.tokens["member"])
    theirs = await gql(ORDERS, orders("theirs"), token=world.tokens["member"], expect_errors=True)

    assert mine["data"]["_entities"][0]["pointsEarned"] == 30
    assert set(error_codes(theirs)) == {"FORBIDDEN"}


async def test_product_estimates_points_at_the_price_the_router_passes(gql, world):
    # the router fetches Product.price from the commerce graph, as estimatedPoints @requires it
    reps = [{"__typename": "Product", "sku": "CAKE-1", "price": "128.80"}, {"__typename": "Product", "sku": "CAKE-2"}]
    variables = {"reps": reps, "storeId": str(world.store_a.id), "memberId": str(world.member_a.id)}

    body = await gql(PRODUCTS, variables, token=world.tokens["member"])

    assert body["data"]["_entities"] == [{"sku": "CAKE-1", "estimatedPoints": 128},
                                         {"sku": "CAKE-2", "estimatedPoints": None}]


async def test_product_estimate_for_another_member_is_forbidden(gql, world):
    reps = [{"__typename": "Product", "sku": "CAKE-1", "price": "128.80"}]
    variables = {"reps": reps, "storeId": str(world.store_a.id), "memberId": str(world.member_b.id)}

    body = await gql(PRODUCTS, variables, token=world.tokens["member"], expect_errors=True)

    assert error_codes(body) == ["FORBIDDEN"]


async def test_committed_sdl_declares_the_commerce_entities_this_graph_extends(gql):
    sdl = (await gql("{ _service { sdl } }"))["data"]["_service"]["sdl"]

    assert 'type Order @key(fields: "id")' in sdl
    assert 'estimatedPoints(storeId: ID!, memberId: ID!): Int @requires(fields: "price")' in sdl
    assert "price: Decimal! @external" in sdl

