"""`loyalty run-automations`: the hourly job by hand, with a dry run; a second run in the same
period fires nobody again."""

from __future__ import annotations

import re

import pytest

from tests.cli.conftest import Cli, ok

AT = "2030-06-01T10:00+08:00"  # long after the demo's purchases: every demo member is dormant


@pytest.fixture
def cli(tmp_path, migrated_sqlite) -> Cli:
    cli = Cli.migrated(migrated_sqlite, tmp_path)
    ok(cli("seed-demo"))
    brand_id = cli.scalar("SELECT id FROM brand ORDER BY id LIMIT 1")
    cli.query(
        "INSERT INTO automation (brand_id, name, \"trigger\", trigger_params, action, action_params, period, active, "
        "points_budget, points_granted, created_by, created_at, updated_at) VALUES (?, 'Win back', 'DORMANT_DAYS', "
        "'{\"days\":30}', 'ADD_TAG', '{\"tag\":\"win-back\"}', 'MONTHLY', 1, 0, 0, 'test', "
        "'2030-01-01 00:00:00+00:00', '2030-01-01 00:00:00+00:00')", brand_id)
    return cli


def fired(output: str) -> int:
    return int(re.search(r"(?:would fire|fired) (\d+)", output).group(1))


def test_run_automations_dry_runs_then_fires_once_per_period(cli):
    members = cli.scalar("SELECT COUNT(*) FROM member WHERE brand_id = (SELECT MIN(id) FROM brand)")

    dry = ok(cli("run-automations", "--dry-run", "--at", AT))
    assert cli.scalar("SELECT COUNT(*) FROM member_tag WHERE tag = 'win-back'") == 0
    first = ok(cli("run-automations", "--brand", "demo", "--at", AT))
    second = ok(cli("run-automations", "--at", AT))

    assert fired(dry.stderr) == members > 0 and "2030-06" in dry.stderr
    assert (fired(first.stderr), fired(second.stderr)) == (members, 0)
    assert cli.scalar("SELECT COUNT(*) FROM member_tag WHERE tag = 'win-back'") == members
