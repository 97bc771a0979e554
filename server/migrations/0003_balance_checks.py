"""The database itself refuses a negative points balance, debt or lot (DESIGN.md).

PostgreSQL only: SQLite cannot add a CHECK to an existing table without rebuilding it, and
Tortoise 1.1.9's rebuild drops the table's UNIQUE constraints. On SQLite the ledger code refuses
negative balances and `loyalty verify-ledgers` checks every account."""

from tortoise import migrations
from tortoise.migrations import operations as ops

CHECKS = [
    ("points_account", "points_account_not_negative", "balance >= 0 AND debt >= 0"),
    ("points_lot", "points_lot_within_earned", "remaining >= 0 AND remaining <= earned"),
]


def _on_postgres(schema_editor) -> bool:
    return schema_editor.client.capabilities.dialect == "postgres"


async def add_checks(apps, schema_editor) -> None:
    if _on_postgres(schema_editor):
        for table, name, check in CHECKS:
            await schema_editor.client.execute_script(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" CHECK ({check})')


async def drop_checks(apps, schema_editor) -> None:
    if _on_postgres(schema_editor):
        for table, name, _ in CHECKS:
            await schema_editor.client.execute_script(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0002_points_and_tiers")]

    initial = False

    operations = [ops.RunPython(add_checks, drop_checks)]
