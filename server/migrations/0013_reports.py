"""Guest (non-member) sales reported by the POS, and the indexes the report aggregates need:
each report figure filters one table by brand and a time range.

The indexes are plain SQL (the same on SQLite and PostgreSQL) rather than Meta.indexes of the
other areas' models, so this migration touches no other area's model file."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

REPORT_INDEXES = [
    ("purchase", "purchase_brand_occurred_idx", "brand_id, occurred_at"),
    ("points_ledger_entry", "points_entry_brand_occurred_idx", "brand_id, occurred_at"),
    ("wallet_ledger_entry", "wallet_entry_brand_occurred_idx", "brand_id, occurred_at"),
    ("gift_card_ledger_entry", "card_entry_brand_occurred_idx", "brand_id, occurred_at"),
    ("member", "member_brand_created_idx", "brand_id, created_at"),
    ("mall_redemption", "redemption_brand_created_idx", "brand_id, created_at"),
]


async def add_indexes(apps, schema_editor) -> None:
    for table, name, columns in REPORT_INDEXES:
        await schema_editor.client.execute_script(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({columns})')


async def drop_indexes(apps, schema_editor) -> None:
    for _, name, _ in REPORT_INDEXES:
        await schema_editor.client.execute_script(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [('loyalty', '0012_guides')]

    initial = False

    operations = [
        ops.CreateModel(
            name='GuestSales',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='guest_sales', on_delete=OnDelete.RESTRICT)),
                ('store', fields.ForeignKeyField('loyalty.Store', source_field='store_id', db_constraint=True, to_field='id', related_name='guest_sales', on_delete=OnDelete.RESTRICT)),
                ('business_date', fields.DateField()),
                ('orders', fields.IntField()),
                ('amount_minor', fields.BigIntField()),
                ('idempotency_key', fields.CharField(max_length=128)),
                ('recorded_by', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'guest_sales', 'app': 'loyalty', 'unique_together': (('store', 'business_date'),), 'indexes': [Index(fields=['brand_id', 'business_date'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunPython(add_indexes, drop_indexes),
    ]
