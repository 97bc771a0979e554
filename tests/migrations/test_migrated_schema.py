"""The database the migrations build keeps every uniqueness the models declare.

Idempotency rests on UNIQUE constraints, and Tortoise 1.1.9 can lose them silently (an
AlterField rebuilds an SQLite table without them), so this compares the migrated database with
the models, on whichever database the suite runs."""

from __future__ import annotations

from tortoise import Tortoise

from tests.conftest import ON_POSTGRES


def _declared() -> set[tuple[str, frozenset[str]]]:
    """(table, columns) of every unique field and unique_together of the models."""
    wanted = set()
    for model in Tortoise.apps["loyalty"].values():
        meta = model._meta
        for name, field in meta.fields_map.items():
            if field.unique and not field.pk and getattr(field, "source_field", None) is not None:
                wanted.add((meta.db_table, frozenset({field.source_field})))
        for group in meta.unique_together or ():
            columns = frozenset(meta.fields_map[name].source_field or name for name in group)
            wanted.add((meta.db_table, columns))
    return wanted


async def _present() -> set[tuple[str, frozenset[str]]]:
    connection = Tortoise.get_connection("default")
    found = set()
    if ON_POSTGRES:
        rows = await connection.execute_query_dict(
            "SELECT t.relname AS table_name, array_agg(a.attname::text) AS columns "
            "FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = current_schema() "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indisunique AND NOT i.indisprimary GROUP BY t.relname, i.indexrelid")
        for row in rows:
            found.add((row["table_name"], frozenset(row["columns"])))
        return found
    tables = [m._meta.db_table for m in Tortoise.apps["loyalty"].values()]
    for table in tables:
        for index in await connection.execute_query_dict(f'PRAGMA index_list("{table}")'):
            if index["unique"] and index["origin"] != "pk":
                info = await connection.execute_query_dict(f'PRAGMA index_info("{index["name"]}")')
                found.add((table, frozenset(column["name"] for column in info)))
    return found


async def test_every_unique_constraint_of_the_models_exists_in_the_migrated_database(app):
    missing = _declared() - await _present()
    assert not missing, f"unique constraints lost by the migrations: {sorted(missing, key=str)}"
