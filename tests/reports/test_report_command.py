"""`loyalty report` writes the figures of the report services as CSV or JSON, on a generated
brand in an SQLite file of its own."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from tests.cli.conftest import Cli, ok

SEED = """
from datetime import datetime, timezone
from bench.generate_brand import generate
from server.cli import _run

async def seed():
    await generate(80, seed=3, brand_slug="gen", now=datetime(2026, 11, 1, 4, tzinfo=timezone.utc))

_run(seed)
"""


@pytest.fixture(scope="module")
def cli(tmp_path_factory, migrated_sqlite) -> Cli:
    folder = tmp_path_factory.mktemp("report-cli")
    cli = Cli.migrated(migrated_sqlite, folder)
    seed = subprocess.run([sys.executable, "-c", SEED], cwd=folder, env=cli.env, text=True, capture_output=True,
                          timeout=120)
    assert seed.returncode == 0, seed.stderr
    return cli


def test_report_by_city_as_csv_has_a_row_per_city_and_a_total_that_matches_the_database(cli):
    result = ok(cli("report", "--brand", "gen", "--from", "2025-11-02", "--to", "2026-11-01", "--group-by", "city"))

    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["group"] for r in rows] == ["Hangzhou", "Nanjing", "Ningbo", "Shanghai", "Suzhou", "Wuxi", "TOTAL"]
    total = rows[-1]
    in_range = cli.scalar("SELECT COUNT(*) FROM purchase WHERE occurred_at >= '2025-11-01 16:00:00' "
                          "AND occurred_at < '2026-11-01 16:00:00'")
    assert int(total["member_orders"]) == in_range
    assert sum(int(r["member_orders"]) for r in rows[:-1]) == in_range
    # The year ends after the generated history: outstanding is the accounts' balances.
    assert int(total["points_outstanding"]) == cli.scalar("SELECT SUM(balance) FROM points_account")
    principal = cli.scalar("SELECT SUM(principal_minor) FROM wallet")
    assert total["wallet_outstanding_principal"] == f"{principal / 100:.2f}"


def test_one_stores_report_as_json_and_the_same_figures_in_the_brand_report(cli):
    store, brand = cli.run_all([
        ["report", "--brand", "gen", "--from", "2026-10-01", "--to", "2026-10-31", "--store", "SH01",
         "--format", "json"],
        ["report", "--brand", "gen", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "json"],
    ])

    [one] = json.loads(ok(store).stdout)
    by_store = {row["group"]: row for row in json.loads(ok(brand).stdout)}
    def figures(row: dict) -> dict:  # tier columns name the levels present in that report
        return {k: v for k, v in row.items() if not k.startswith("tier_")}

    assert one["group"] == "SH01" and figures(one) == figures(by_store["SH01"])
    assert one["active_members"] > 0
    assert one["member_sales"] == by_store["SH01"]["member_sales"]  # money as an exact string
    assert isinstance(one["member_sales"], str)


def test_report_refuses_an_unknown_brand_a_bad_range_and_a_bad_format(cli):
    unknown, backwards, bad_format = cli.run_all([
        ["report", "--brand", "nope", "--from", "2026-10-01", "--to", "2026-10-31"],
        ["report", "--brand", "gen", "--from", "2026-10-31", "--to", "2026-10-01"],
        ["report", "--brand", "gen", "--from", "2026-10-01", "--to", "2026-10-31", "--format", "xml"],
    ])

    assert unknown.returncode == 2 and "no brand 'nope'" in unknown.stderr
    assert backwards.returncode == 2 and "starts after it ends" in backwards.stderr
    assert bad_format.returncode == 2 and "csv or json" in bad_format.stderr
