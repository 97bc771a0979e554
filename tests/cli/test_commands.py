"""`loyalty` commands: migrate, seed-demo, create-brand, schema, import-members, --help."""

from __future__ import annotations

import typer

from server.cli import app
from tests.cli.conftest import ROOT, ok

DEMO_PASSWORD = "demo-password-123"


def test_seed_demo_creates_the_demo_brand_and_a_second_run_changes_nothing(demo):
    # then: the first run (fixture) created the demo brand
    cli, counts = demo.cli, demo.counts_after_seed
    [(brand_id, name)] = cli.query("SELECT id, name FROM brand WHERE slug = 'demo'")
    assert name == "Demo Bakery"
    stores = cli.query("SELECT code, city FROM store WHERE brand_id = ? ORDER BY code", brand_id)
    assert stores == [("HZ01", "Hangzhou"), ("SH01", "Shanghai"), ("SH02", "Shanghai")]
    roles = dict(cli.query("SELECT role, COUNT(*) FROM staff WHERE brand_id = ? GROUP BY role", brand_id))
    assert roles == {"hq_admin": 1, "hq_operator": 1, "store_manager": 3, "store_clerk": 3}
    per_store = cli.query(
        "SELECT s.code, GROUP_CONCAT(f.role) FROM staff f JOIN store s ON s.id = f.store_id "
        "GROUP BY s.code ORDER BY s.code")
    assert [(code, sorted(r.split(","))) for code, r in per_store] == [
        (code, ["store_clerk", "store_manager"]) for code in ("HZ01", "SH01", "SH02")]
    assert cli.scalar("SELECT COUNT(*) FROM staff WHERE role LIKE 'hq_%' AND store_id IS NOT NULL") == 0
    assert counts["api_client"] == 1
    assert counts["member"] == 200
    assert cli.scalar("SELECT COUNT(DISTINCT home_store_id) FROM member") == 3
    assert "lk_" in demo.seed.stderr and DEMO_PASSWORD in demo.seed.stderr  # the key, shown once

    # when: seeded again
    again = ok(cli("seed-demo"))

    # then
    assert "nothing changed" in again.stderr
    assert "lk_" not in again.stderr
    assert cli.row_counts() == counts


def test_create_brand_and_what_it_refuses(demo):
    cli = demo.cli
    brand = ["create-brand", "--name", "Sweet Bakery", "--admin-email", "Boss@Sweet.test"]

    # when
    created = cli(*brand, "--slug", "sweet", "--admin-password", "long-enough-password")
    duplicate, bad_slug, short_password = cli.run_all([
        [*brand, "--slug", "sweet", "--admin-password", "long-enough-password"],
        [*brand, "--slug", "Not A Slug!", "--admin-password", "long-enough-password"],
        [*brand, "--slug", "sweet2", "--admin-password", "short"],
    ])

    # then
    assert ok(created).returncode == 0 and "brand sweet created" in created.stderr
    [(brand_id,)] = cli.query("SELECT id FROM brand WHERE slug = 'sweet'")
    assert cli.query("SELECT email, role FROM staff WHERE brand_id = ?", brand_id) == [
        ("boss@sweet.test", "hq_admin")]
    assert (duplicate.returncode, bad_slug.returncode, short_password.returncode) == (2, 2, 2)
    assert "SLUG_TAKEN" in duplicate.stderr and "slug" in duplicate.stderr
    assert "INVALID_INPUT" in bad_slug.stderr and "lowercase" in bad_slug.stderr
    assert "WEAK_PASSWORD" in short_password.stderr and "10" in short_password.stderr
    for result in (duplicate, bad_slug, short_password):
        assert "Traceback" not in result.stderr
    assert cli.query("SELECT slug FROM brand WHERE slug LIKE 'sweet%' OR slug LIKE 'not%'") == [("sweet",)]


def test_schema_prints_the_committed_sdl_and_every_command_has_help(demo):
    commands = sorted(typer.main.get_command(app).commands)
    assert {"migrate", "seed-demo", "create-brand", "schema", "serve", "import-members"} <= set(commands)

    schema, top_help, *helps = demo.cli.run_all(
        [["schema"], ["--help"]] + [[command, "--help"] for command in commands])

    assert ok(schema).stdout == (ROOT / "schema.graphql").read_text()
    assert all(command in ok(top_help).stdout for command in commands)
    for command, result in zip(commands, helps):
        assert ok(result).stdout.strip(), command
        assert "Usage" in result.stdout, command


def test_import_members_imports_good_rows_and_reports_bad_ones_by_line(demo, tmp_path):
    # given: a seeded member's phone is +8613900000000; line 5 is blank
    cli = demo.cli
    csv_file = tmp_path / "members.csv"
    csv_file.write_text(
        "phone,name,home_store_code,birthday,gender\n"
        "13712345601,Ann,SH01,1990-01-02,female\n"  # 2
        "not-a-phone,Bob,SH01,,\n"  # 3
        "13712345602,Cat,XX99,,\n"  # 4
        "\n"
        "139 0000 0000,Dup,SH01,,\n"  # 6
        "13712345603,Dan,HZ01,02/01/1990,\n"  # 7
        "13712345604,Eve,HZ01,,alien\n"  # 8
        "+86 137 1234 5605,Fay,SH02,,\n",  # 9
        encoding="utf-8",
    )
    before = cli.scalar("SELECT COUNT(*) FROM member")

    # when
    result, unknown_brand = cli.run_all([
        ["import-members", str(csv_file), "--brand", "demo"],
        ["import-members", str(csv_file), "--brand", "no-such-brand"],
    ])

    # then
    assert result.returncode == 1, result.stderr
    reported = [line for line in result.stderr.splitlines() if line.startswith("line ")]
    assert [line.split(" ", 3)[:3] for line in reported] == [
        ["line", "3:", "INVALID_PHONE"], ["line", "4:", "STORE_NOT_FOUND"], ["line", "6:", "PHONE_TAKEN"],
        ["line", "7:", "INVALID_INPUT"], ["line", "8:", "INVALID_INPUT"],
    ]
    assert "imported 2, rejected 5" in result.stderr
    assert "Traceback" not in result.stderr
    imported = cli.query(
        "SELECT m.phone, m.name, s.code, m.birthday, m.gender, m.source FROM member m "
        "JOIN store s ON s.id = m.home_store_id WHERE m.phone LIKE '+86137123456%' ORDER BY m.phone")
    assert imported == [
        ("+8613712345601", "Ann", "SH01", "1990-01-02", "FEMALE", "IMPORT"),
        ("+8613712345605", "Fay", "SH02", None, None, "IMPORT"),
    ]
    assert cli.scalar("SELECT COUNT(*) FROM member") == before + 2
    assert unknown_brand.returncode == 2 and "no-such-brand" in unknown_brand.stderr


def test_import_members_carries_opening_points_and_rejects_unreadable_ones(demo, tmp_path):
    cli = demo.cli
    csv_file = tmp_path / "members.csv"
    csv_file.write_text(
        "phone,name,home_store_code,opening_points\n"
        "13712345711,Gus,SH01,300\n"  # 2
        "13712345712,Hal,SH01,lots\n"  # 3
        "13712345713,Ivy,SH01,\n",  # 4
        encoding="utf-8",
    )

    result = cli.run_all([["import-members", str(csv_file), "--brand", "demo"]])[0]

    assert result.returncode == 1, result.stderr
    assert [line.split(" ", 3)[:3] for line in result.stderr.splitlines() if line.startswith("line ")] == [
        ["line", "3:", "INVALID_INPUT"]]
    balances = cli.query(
        "SELECT m.phone, a.balance FROM member m LEFT JOIN points_account a ON a.member_id = m.id "
        "WHERE m.phone LIKE '+86137123457%' ORDER BY m.phone")
    assert balances == [("+8613712345711", 300), ("+8613712345713", None)]
