"""Fuzzing the GraphQL API: generated documents with a token of every caller kind; no 5xx, no
internal error, masked or not; afterwards every points account matches its ledger.

The suite runs a small budget (LOYALTY_FUZZ_DOCUMENTS, default 25 documents x 6 callers);
`make fuzz` runs the few-thousand-request budget and prints the figures (bench/RESULTS.md)."""

from __future__ import annotations

import os

from domain.points.models import PointsAccount, PointsLedgerEntry
from domain.points.verify import verify_ledgers
from tests.fuzz.support import fuzz, seed_points

DOCUMENTS = int(os.environ.get("LOYALTY_FUZZ_DOCUMENTS", "25"))
SEED = int(os.environ.get("LOYALTY_FUZZ_SEED", "20261125"))


async def test_generated_requests_never_fail_internally_and_ledgers_stay_consistent(client, gql, world):
    await seed_points(gql, world)
    report = await fuzz(client, world, documents=DOCUMENTS, seed_value=SEED)
    print("\n" + report.summary())
    inconsistent = await verify_ledgers()
    print(f"fuzz: afterwards {await PointsLedgerEntry.all().count()} ledger entries in "
          f"{await PointsAccount.all().count()} points accounts, {len(inconsistent)} inconsistent")

    assert report.failures == [], report.failures[:3]
    assert report.requests == DOCUMENTS * 6
    assert len(report.operations_hit) >= min(10, DOCUMENTS // 3)
    assert inconsistent == []
