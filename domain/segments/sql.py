"""Set-based statements of the segments jobs, written once for SQLite and PostgreSQL.

Statements use `:name` parameters; `execute` turns them into the driver's positional style
(`?` for SQLite, `$n` for asyncpg). Datetimes are passed in UTC: SQLite compares the ISO text
Tortoise stores, PostgreSQL compares timestamps."""

from __future__ import annotations

import re
from typing import Any

from tortoise import Tortoise

_PARAM = re.compile(r":([a-z_][a-z0-9_]*)\b")


def on_postgres() -> bool:
    return Tortoise.get_connection("default").capabilities.dialect == "postgres"


def positional(statement: str, params: dict[str, Any]) -> tuple[str, list[Any]]:
    names: list[str] = []
    postgres = on_postgres()

    def place(match: re.Match) -> str:
        name = match.group(1)
        if postgres:
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"
        names.append(name)
        return "?"

    text = _PARAM.sub(place, statement)
    return text, [params[n] for n in names]


async def execute(connection, statement: str, **params: Any) -> int:
    """Run one statement on `connection` (a transaction's); the number of rows it changed."""
    text, values = positional(statement, params)
    if on_postgres():
        # Tortoise reads "INSERT 0 7" as 0 rows (it takes the OID) and fetches a WITH …
        # INSERT as a query; the status line's last word is the row count.
        async with connection.acquire_connection() as raw:
            connection.log.debug("%s: %s", text, values)
            status = await raw.execute(text, *values)
        return int(status.rsplit(" ", 1)[-1])
    changed, _ = await connection.execute_query(text, values)
    return changed


def typed(name: str, pg_type: str) -> str:
    """A parameter in a SELECT list: PostgreSQL cannot infer its type there, SQLite needs none
    (and a CAST would change the ISO text of a moment)."""
    return f"CAST(:{name} AS {pg_type})" if on_postgres() else f":{name}"
