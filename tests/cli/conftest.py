"""The `loyalty` command line, run as the operator runs it: a separate process per command,
on its own SQLite file. Commands that do not depend on each other run side by side."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The console script's entry point, through this interpreter, so any venv works.
LOYALTY = [sys.executable, "-c", "from server.cli import main; main()"]


@dataclass
class Cli:
    """Runs `loyalty …` against one database file."""

    database: Path
    workdir: Path

    @classmethod
    def migrated(cls, template: Path, folder: Path, name: str = "loyalty.sqlite3") -> Cli:
        """A fresh database as `loyalty migrate` leaves it: a copy of the session's migrated file
        (`migrated_sqlite`), since every migration from scratch costs ~9 s of CPU per module."""
        shutil.copyfile(template, folder / name)
        return cls(database=folder / name, workdir=folder)

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("LOYALTY_")}
        return env | {
            "LOYALTY_DATABASE_URL": f"sqlite://{self.database}",
            "PYTHONPATH": str(ROOT),
            "COLUMNS": "200",  # rich wraps messages at the terminal width
            "APOLLO_TELEMETRY_DISABLED": "1",
        }

    def _start(self, args: list[str]) -> subprocess.Popen:
        return subprocess.Popen(
            [*LOYALTY, *args], cwd=self.workdir, env=self.env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )

    def __call__(self, *args: str) -> subprocess.CompletedProcess:
        return self.run_all([list(args)])[0]

    def run_all(self, commands: list[list[str]]) -> list[subprocess.CompletedProcess]:
        """Start every command at once; their results in the same order."""
        processes = [self._start(args) for args in commands]
        results = []
        for args, process in zip(commands, processes):
            stdout, stderr = process.communicate(timeout=60)
            results.append(subprocess.CompletedProcess(args, process.returncode, stdout, stderr))
        return results

    def query(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(sql, params).fetchall()

    def scalar(self, sql: str, *params):
        return self.query(sql, *params)[0][0]

    def row_counts(self) -> dict[str, int]:
        tables = [name for (name,) in self.query("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: self.scalar(f'SELECT COUNT(*) FROM "{table}"') for table in tables}


def ok(result: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    assert result.returncode == 0, f"{result.args}: exit {result.returncode}\n{result.stderr}"
    return result


@dataclass
class Demo:
    cli: Cli
    seed: subprocess.CompletedProcess
    counts_after_seed: dict[str, int]


@pytest.fixture(scope="module")
def demo(tmp_path_factory, migrated_sqlite) -> Demo:
    """A database migrated and seeded with the demo brand by the CLI (once per module)."""
    folder = tmp_path_factory.mktemp("cli")
    cli = Cli.migrated(migrated_sqlite, folder)
    seed = ok(cli("seed-demo"))
    return Demo(cli=cli, seed=seed, counts_after_seed=cli.row_counts())
