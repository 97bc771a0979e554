"""The wallet ledger check: for every wallet, principal and bonus = the sums of its ledger
entries = the sums of its ledger lines = the sums of its grants' remainders, all ≥ 0."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.functions import Sum

from domain.wallet.models import Bucket, Wallet, WalletGrant, WalletLedgerEntry, WalletLedgerLine


@dataclass
class WalletInconsistency:
    member_id: int
    principal: int
    bonus: int
    ledger_principal: int
    ledger_bonus: int
    grants_principal: int
    grants_bonus: int
    lines_principal: int
    lines_bonus: int


def _by_bucket(rows, total: str) -> dict[tuple[int, str], int]:
    return {(row["member_id"], Bucket(row["bucket"]).value): int(row[total] or 0) for row in rows}


async def verify_wallets(brand_id: int | None = None) -> list[WalletInconsistency]:
    """Every wallet that breaks the invariant; four grouped queries whatever the number of wallets."""
    def scoped(model):
        return model.all() if brand_id is None else model.filter(brand_id=brand_id)

    entries = {row["member_id"]: (int(row["p"] or 0), int(row["b"] or 0)) for row in await scoped(WalletLedgerEntry)
               .annotate(p=Sum("principal_delta"), b=Sum("bonus_delta")).group_by("member_id")
               .values("member_id", "p", "b")}
    grants = _by_bucket(await scoped(WalletGrant).annotate(r=Sum("remaining")).group_by("member_id", "bucket")
                        .values("member_id", "bucket", "r"), "r")
    lines = _by_bucket(await scoped(WalletLedgerLine).annotate(a=Sum("amount")).group_by("member_id", "bucket")
                       .values("member_id", "bucket", "a"), "a")
    problems = []
    for wallet in await scoped(Wallet):
        m = wallet.member_id
        ledger_p, ledger_b = entries.get(m, (0, 0))
        found = WalletInconsistency(
            m, wallet.principal_minor, wallet.bonus_minor, ledger_p, ledger_b,
            grants.get((m, "PRINCIPAL"), 0), grants.get((m, "BONUS"), 0),
            lines.get((m, "PRINCIPAL"), 0), lines.get((m, "BONUS"), 0),
        )
        consistent = (
            found.principal == found.ledger_principal == found.grants_principal == found.lines_principal >= 0
            and found.bonus == found.ledger_bonus == found.grants_bonus == found.lines_bonus >= 0
        )
        if not consistent:
            problems.append(found)
    return problems
