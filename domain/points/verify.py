"""The ledger check: for every account, balance = sum of ledger = sum of open lots ≥ 0, and
debt = sum of the ledger's debt movements ≥ 0."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.functions import Sum

from domain.points.models import PointsAccount, PointsLedgerEntry, PointsLot


@dataclass
class Inconsistency:
    member_id: int
    balance: int
    ledger_sum: int
    lots_sum: int
    debt: int
    ledger_debt: int


def _sums(rows, *keys):
    return {row["member_id"]: tuple(int(row[k] or 0) for k in keys) for row in rows}


async def verify_ledgers(brand_id: int | None = None) -> list[Inconsistency]:
    """Every account that breaks the invariant (an empty list when all hold). Three grouped
    queries, whatever the number of accounts."""
    accounts = PointsAccount.all() if brand_id is None else PointsAccount.filter(brand_id=brand_id)
    entries = PointsLedgerEntry.all() if brand_id is None else PointsLedgerEntry.filter(brand_id=brand_id)
    lots = PointsLot.filter(remaining__gt=0)
    if brand_id is not None:
        lots = lots.filter(brand_id=brand_id)
    ledger = _sums(await entries.annotate(d=Sum("delta"), dd=Sum("debt_delta")).group_by("member_id")
                   .values("member_id", "d", "dd"), "d", "dd")
    open_lots = _sums(await lots.annotate(r=Sum("remaining")).group_by("member_id").values("member_id", "r"), "r")
    problems = []
    for account in await accounts:
        ledger_sum, ledger_debt = ledger.get(account.member_id, (0, 0))
        (lots_sum,) = open_lots.get(account.member_id, (0,))
        consistent = (
            account.balance == ledger_sum == lots_sum and account.balance >= 0
            and account.debt == ledger_debt and account.debt >= 0
        )
        if not consistent:
            problems.append(Inconsistency(account.member_id, account.balance, ledger_sum, lots_sum,
                                          account.debt, ledger_debt))
    return problems
