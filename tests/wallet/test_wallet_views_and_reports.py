"""What the wallet shows (Member.wallet), the stored-value liability by top-up store, the bonus
expiry job and the wallet ledger check."""

from datetime import UTC, datetime, timedelta

from domain.wallet import expiry, payments
from domain.wallet.models import Wallet, WalletLedgerEntry, WalletLedgerKind
from domain.wallet.verify import verify_wallets
from tests.factories import hq
from tests.wallet.support import LIABILITY, MEMBER_WALLET, assert_consistent, make_plan, top_up


async def scene(world):
    """Member A: 300 + 60 bonus (store A only) at store A, 100 at store B, then 100.00 paid at B."""
    plan = await make_plan(world, pay_minor=300_00, bonus_minor=60_00, bonus_store_ids=[world.store_a.id])
    await top_up(world, plan=plan, ref="t-a")
    await top_up(world, "100.00", store=world.store_b, ref="t-b")
    await payments.pay_with_wallet(hq(world.admin), member_id=world.member_a.id, store_id=world.store_b.id,
                                   amount="100.00", order_id="o-1")


async def test_member_sees_its_wallet_and_what_is_usable_at_a_store(gql, world):
    await scene(world)

    at_b = (await gql(MEMBER_WALLET, {"id": str(world.member_a.id), "storeId": str(world.store_b.id)},
                      token=world.tokens["member"]))["data"]["member"]["wallet"]
    at_a = (await gql(MEMBER_WALLET, {"id": str(world.member_a.id), "storeId": str(world.store_a.id)},
                      token=world.tokens["clerk_a"]))["data"]["member"]["wallet"]

    # principal is spent oldest top-up first: 100.00 of store A's 300.00
    assert (at_b["principal"], at_b["bonus"], at_b["usableBonus"], at_b["usableAtStore"]) == (
        "300.00", "60.00", "0.00", "300.00")
    assert (at_a["usableBonus"], at_a["usableAtStore"]) == ("60.00", "360.00")
    assert at_a["bonusGrants"] == [{"amount": "60.00", "remaining": "60.00", "usableStoreIds": [str(world.store_a.id)],
                                    "expiresAt": None, "originStore": {"code": "A"}}]
    ledger = at_a["ledger"]
    assert ledger["totalCount"] == 4
    assert [(e["node"]["kind"], e["node"]["principalDelta"], e["node"]["store"]["code"]) for e in ledger["edges"]] == [
        ("PAY", "-100.00", "B"), ("TOP_UP", "100.00", "B"), ("BONUS", "0.00", "A"), ("TOP_UP", "300.00", "A")]


async def test_another_store_clerk_cannot_read_the_wallet(gql, world):
    await scene(world)
    body = await gql(MEMBER_WALLET, {"id": str(world.member_b.id)}, token=world.tokens["clerk_a"], expect_errors=True)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


async def test_liability_is_outstanding_value_by_the_store_where_it_was_topped_up(gql, world):
    await scene(world)

    brand = (await gql(LIABILITY, {}, token=world.tokens["hq_operator"]))["data"]["storedValueLiability"]
    store_a = (await gql(LIABILITY, {"storeId": str(world.store_a.id)}, token=world.tokens["manager_a"])
               )["data"]["storedValueLiability"]
    own = (await gql(LIABILITY, {}, token=world.tokens["manager_b"]))["data"]["storedValueLiability"]

    # the 100.00 paid at B came out of store A's principal (oldest first)
    assert (brand["principal"], brand["bonus"], brand["total"]) == ("300.00", "60.00", "360.00")
    assert brand["byStore"] == [
        {"store": {"code": "A"}, "principal": "200.00", "bonus": "60.00", "total": "260.00"},
        {"store": {"code": "B"}, "principal": "100.00", "bonus": "0.00", "total": "100.00"}]
    assert (store_a["principal"], store_a["bonus"]) == ("200.00", "60.00")
    assert own["byStore"] == [{"store": {"code": "B"}, "principal": "100.00", "bonus": "0.00", "total": "100.00"}]


async def test_a_store_manager_cannot_read_another_stores_liability(gql, world):
    body = await gql(LIABILITY, {"storeId": str(world.store_b.id)}, token=world.tokens["manager_a"], expect_errors=True)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    clerk = await gql(LIABILITY, {}, token=world.tokens["clerk_a"], expect_errors=True)
    assert [e["extensions"]["code"] for e in clerk["errors"]] == ["FORBIDDEN"]


async def test_the_expiry_job_removes_due_bonus_once_with_ledger_entries(world):
    plan = await make_plan(world, pay_minor=100_00, bonus_minor=10_00, bonus_expiry_days=30)
    await top_up(world, plan=plan, ref="t-1", now=datetime.now(UTC) - timedelta(days=31))
    await top_up(world, plan=plan, ref="t-2", member=world.member_b, store=world.store_b)

    assert await expiry.expire_due_bonus(datetime.now(UTC)) == 10_00
    assert await expiry.expire_due_bonus(datetime.now(UTC)) == 0

    entry = await WalletLedgerEntry.get(kind=WalletLedgerKind.BONUS_EXPIRE)
    assert (entry.member_id, entry.bonus_delta, entry.actor) == (world.member_a.id, -10_00, expiry.JOB_ACTOR)
    assert (await Wallet.get(member_id=world.member_b.id)).bonus_minor == 10_00
    await assert_consistent()


async def test_the_ledger_check_finds_a_wallet_changed_behind_the_ledgers_back(world):
    await scene(world)
    assert await verify_wallets() == []

    await Wallet.filter(member_id=world.member_a.id).update(principal_minor=1)

    [problem] = await verify_wallets()
    assert (problem.member_id, problem.principal, problem.ledger_principal, problem.grants_principal) == (
        world.member_a.id, 1, 300_00, 300_00)
    assert await verify_wallets(world.other_brand.id) == []


MEMBERS_WALLETS = """query($first: Int!, $storeId: ID) { members(first: $first) { edges { node { id
  wallet(storeId: $storeId) { principal bonus usableBonus bonusGrants { remaining } } } } } }"""


async def test_wallets_of_a_page_of_members_cost_the_same_queries_for_three_as_for_twenty(gql, world, count_queries):
    from tests.factories import make_member

    plan = await make_plan(world, pay_minor=100_00, bonus_minor=10_00, bonus_store_ids=[world.store_a.id])
    for n in range(18):
        member = await make_member(world.brand, world.store_a if n % 2 else world.store_b)
        await top_up(world, plan=plan, member=member, ref=f"t-{n}")
    variables = {"storeId": str(world.store_b.id)}

    with count_queries() as small:
        three = await gql(MEMBERS_WALLETS, {"first": 3, **variables}, token=world.tokens["hq_operator"])
    with count_queries() as large:
        twenty = await gql(MEMBERS_WALLETS, {"first": 20, **variables}, token=world.tokens["hq_operator"])

    wallets = [e["node"]["wallet"] for e in twenty["data"]["members"]["edges"]]
    assert len(three["data"]["members"]["edges"]) == 3 and len(wallets) == 20
    assert sorted((w["principal"], w["bonus"], w["usableBonus"]) for w in wallets)[-1] == ("100.00", "10.00", "0.00")
    assert small.count == large.count, large.queries
