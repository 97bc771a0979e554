"""`loyalty import-orders FILE.csv --channel TMALL --brand SLUG`: a separate process on an
SQLite file with the demo brand; per-line errors by the file's line numbers and exit codes."""

from __future__ import annotations

import pytest

from tests.cli.conftest import Cli, ok

HEADER = "external_id,phone,amount,paid_at,store_code,refunded_amount\n"


@pytest.fixture(scope="module")
def demo_cli(tmp_path_factory, migrated_sqlite) -> Cli:
    folder = tmp_path_factory.mktemp("orders-cli")
    cli = Cli.migrated(migrated_sqlite, folder)
    ok(cli("seed-demo"))
    return cli


def test_import_orders_reports_each_rejected_line_and_exits_1(demo_cli, tmp_path):
    member_phone = demo_cli.scalar("SELECT phone FROM member ORDER BY id LIMIT 1")
    csv_file = tmp_path / "orders.csv"
    csv_file.write_text(HEADER + "\n".join([
        f"TM-1,{member_phone},88.00,2026-11-20T12:00:00+08:00,SH01,",
        "TM-2,+8613988887777,50.00,2026-11-20T12:00:00+08:00,,",
        "TM-3,not-a-phone,50.00,2026-11-20T12:00:00+08:00,,",
        "TM-4,+8613988887777,50.00,yesterday,,",
        "TM-5,+8613988887777,50.00,2026-11-20T12:00:00+08:00,NOPE,",
    ]) + "\n")

    first = demo_cli("import-orders", str(csv_file), "--channel", "tmall", "--brand", "demo")
    again = demo_cli("import-orders", str(csv_file), "--channel", "TMALL", "--brand", "demo")

    assert first.returncode == 1, first.stderr
    assert "line 4: INVALID_PHONE" in first.stderr
    assert "line 5: INVALID_PAID_AT" in first.stderr
    assert "line 6: STORE_NOT_FOUND" in first.stderr
    assert "accepted 1, pending_member 1, duplicate 0, rejected 3" in first.stderr
    assert "accepted 0, pending_member 0, duplicate 2, rejected 3" in again.stderr
    assert demo_cli.scalar("SELECT COUNT(*) FROM channel_order") == 2
    assert demo_cli.scalar("SELECT points_earned FROM purchase WHERE order_id = 'TM-1'") == 88
    assert "consistent" in ok(demo_cli("verify-ledgers", "--brand", "demo")).stderr


def test_import_orders_refuses_an_unknown_channel_or_brand(demo_cli, tmp_path):
    csv_file = tmp_path / "orders.csv"
    csv_file.write_text(HEADER)

    channel = demo_cli("import-orders", str(csv_file), "--channel", "EBAY", "--brand", "demo")
    brand = demo_cli("import-orders", str(csv_file), "--channel", "JD", "--brand", "nobody")
    header = tmp_path / "bad.csv"
    header.write_text("phone,amount\n")
    bad_header = demo_cli("import-orders", str(header), "--channel", "JD", "--brand", "demo")

    assert (channel.returncode, brand.returncode, bad_header.returncode) == (2, 2, 2)
    assert "external_id" in bad_header.stderr
