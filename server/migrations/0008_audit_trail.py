"""The audit trail records the actor's role, filters by object type cheaply, and is append-only.

The trigger is PostgreSQL's (the production database): it refuses every UPDATE and DELETE of
`audit_entry`, whoever sends it. The code has no update or delete path either; SQLite relies on
that alone.

The points ledger's `kind` gained OPENING: only the state changes (AlterFieldState), since a
real AlterField rebuilds the table on SQLite without its UNIQUE constraints."""

from tortoise import fields, migrations
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from domain.points.models import LedgerKind
from server.migration_ops import AlterFieldState

REFUSE = """
CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_entry is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();
CREATE TRIGGER audit_entry_no_truncate BEFORE TRUNCATE ON audit_entry
    FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS audit_entry_no_truncate ON audit_entry;
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry;
DROP FUNCTION IF EXISTS audit_entry_append_only();
"""


def _on_postgres(schema_editor) -> bool:
    return schema_editor.client.capabilities.dialect == "postgres"


async def refuse_changes(apps, schema_editor) -> None:
    if _on_postgres(schema_editor):
        await schema_editor.client.execute_script(REFUSE)


async def allow_changes(apps, schema_editor) -> None:
    if _on_postgres(schema_editor):
        await schema_editor.client.execute_script(ALLOW)


class Migration(migrations.Migration):
    dependencies = [("loyalty", "0007_channels_engagement")]

    initial = False

    operations = [
        ops.AddField(
            model_name="AuditEntry",
            name="actor_role",
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AddIndex(
            model_name="AuditEntry",
            index=Index(fields=["brand_id", "object_type", "created_at"]),
        ),
        AlterFieldState(
            model_name="PointsLedgerEntry",
            name="kind",
            field=fields.CharEnumField(
                description="EARN: EARN\nREDEEM: REDEEM\nEXPIRE: EXPIRE\nADJUST: ADJUST\nREVERSE: REVERSE\n"
                "RETURN: RETURN\nOPENING: OPENING\nACTIVITY: ACTIVITY",
                enum_type=LedgerKind, max_length=8,
            ),
        ),
        ops.RunPython(refuse_changes, allow_changes),
    ]
