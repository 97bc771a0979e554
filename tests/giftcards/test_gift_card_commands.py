"""`loyalty export-gift-cards` and the gift-card part of `loyalty verify-ledgers`, each a
process of its own on an SQLite file, as the operator runs them."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys

import pytest

from domain.giftcards import codes
from server.settings import DEV_SECRET_KEY
from tests.cli.conftest import Cli, ok

SEED = """
from datetime import datetime, timezone
from domain.giftcards.models import GiftCardKind
from domain.giftcards.templates import TemplateInput, create_template
from server.cli import _run
from tests.factories import hq, make_brand, make_store

async def seed():
    brand, admin = await make_brand("north")
    await make_store(admin, "A")
    await create_template(hq(admin), TemplateInput(name="Festival 100", kind=GiftCardKind.STORED_VALUE,
                                                   face_value="100.00", valid_days=365))
    await make_brand("south")

_run(seed)
"""


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, migrated_sqlite):
    folder = tmp_path_factory.mktemp("giftcards-cli")
    cli = Cli.migrated(migrated_sqlite, folder, "template.sqlite3")
    seed = subprocess.run([sys.executable, "-c", SEED], cwd=folder, env=cli.env, text=True, capture_output=True,
                          timeout=60)
    assert seed.returncode == 0, seed.stderr
    return cli.database


@pytest.fixture
def cli(seeded, tmp_path) -> Cli:
    database = tmp_path / "loyalty.sqlite3"
    shutil.copy(seeded, database)
    return Cli(database=database, workdir=tmp_path)


def test_export_gift_cards_issues_a_batch_and_writes_its_codes_once_to_a_private_csv(cli, tmp_path):
    template_id = cli.scalar("SELECT id FROM gift_card_template")
    out = tmp_path / "batch.csv"

    result = ok(cli("export-gift-cards", "--brand", "north", "--template", str(template_id), "--count", "25",
                    "--out", str(out)))

    assert "issued 25 gift cards" in result.stderr
    assert oct(os.stat(out).st_mode & 0o777) == "0o600"
    with open(out, newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 25 and {row["state"] for row in rows} == {"ACTIVE"}
    stored = dict(cli.query("SELECT code_hash, id FROM gift_card"))
    for row in rows:
        normalised = codes.normalise(row["code"])
        assert stored[codes.code_hash(DEV_SECRET_KEY, normalised)] == int(row["card_id"])
    assert cli.scalar("SELECT COUNT(*) FROM gift_card_ledger_entry WHERE kind = 'ISSUE'") == 25

    # the file is never overwritten, and a template of another brand is not found
    again = cli("export-gift-cards", "--brand", "north", "--template", str(template_id), "--count", "1",
                "--out", str(out))
    other = cli("export-gift-cards", "--brand", "south", "--template", str(template_id), "--count", "1",
                "--out", str(tmp_path / "other.csv"))
    assert again.returncode == 2 and "exists" in again.stderr
    assert other.returncode == 2 and "TEMPLATE_NOT_FOUND" in other.stderr
    assert not (tmp_path / "other.csv").exists()
    assert cli.scalar("SELECT COUNT(*) FROM gift_card") == 25


def test_verify_ledgers_checks_gift_cards_and_lists_an_inconsistent_one(cli, tmp_path):
    template_id = cli.scalar("SELECT id FROM gift_card_template")
    ok(cli("export-gift-cards", "--brand", "north", "--template", str(template_id), "--count", "3",
           "--out", str(tmp_path / "b.csv")))
    assert "all 3 gift cards consistent" in ok(cli("verify-ledgers")).stderr

    card_id = cli.scalar("SELECT MIN(id) FROM gift_card")
    cli.query("UPDATE gift_card SET balance_minor = 20000 WHERE id = ?", card_id)
    broken = cli("verify-ledgers")

    assert broken.returncode == 1
    assert "1 of 3 gift cards inconsistent" in broken.stderr
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in broken.stderr.splitlines() if "│" in line]
    assert rows == [[str(card_id), "ACTIVE", "20000", "10000", "0", "0"]]
    assert "all 0 accounts consistent" in broken.stderr
