"""Gift cards: templates, cards (codes kept as keyed hashes only) and each card's ledger.

On PostgreSQL a CHECK refuses a negative card balance or uses left (as 0003 does for points);
on SQLite the ledger code refuses them and `loyalty verify-ledgers` checks every card."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.giftcards.models import GiftCardKind, GiftCardLedgerKind, GiftCardState, GiftCardTheme
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


CHECKS = [("gift_card", "gift_card_not_negative", "balance_minor >= 0 AND uses_left >= 0")]


async def add_checks(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        for table, name, check in CHECKS:
            await schema_editor.client.execute_script(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" CHECK ({check})')


async def drop_checks(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        for table, name, _ in CHECKS:
            await schema_editor.client.execute_script(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')


class Migration(migrations.Migration):
    dependencies = [('loyalty', '0004_wallet')]

    initial = False

    operations = [
        ops.CreateModel(
            name='GiftCardTemplate',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='gift_card_templates', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=80)),
                ('kind', fields.CharEnumField(description='STORED_VALUE: STORED_VALUE\nPICKUP: PICKUP\nEXCHANGE: EXCHANGE\nBENEFIT: BENEFIT', enum_type=GiftCardKind, max_length=16)),
                ('theme', fields.CharEnumField(default=GiftCardTheme.GENERAL, description='GENERAL: GENERAL\nFESTIVAL: FESTIVAL\nBIRTHDAY: BIRTHDAY\nTHANKS: THANKS\nLOVE: LOVE\nCONGRATULATIONS: CONGRATULATIONS', enum_type=GiftCardTheme, max_length=16)),
                ('description', fields.CharField(default='', max_length=500)),
                ('face_value_minor', fields.BigIntField(null=True)),
                ('item_sku', fields.CharField(null=True, max_length=64)),
                ('item_name', fields.CharField(null=True, max_length=120)),
                ('uses', fields.IntField(null=True)),
                ('items', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('benefit_tier_level', fields.IntField(null=True)),
                ('benefit_bundle', fields.CharField(null=True, max_length=120)),
                ('benefit_days', fields.IntField(null=True)),
                ('valid_from', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('valid_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('valid_days', fields.IntField(null=True)),
                ('store_ids', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('sale_price_minor', fields.BigIntField(null=True)),
                ('active', fields.BooleanField(default=True)),
                ('created_by', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'gift_card_template', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GiftCard',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='gift_cards', on_delete=OnDelete.RESTRICT)),
                ('template', fields.ForeignKeyField('loyalty.GiftCardTemplate', source_field='template_id', db_constraint=True, to_field='id', related_name='cards', on_delete=OnDelete.RESTRICT)),
                ('batch', fields.CharField(max_length=32)),
                ('kind', fields.CharEnumField(description='STORED_VALUE: STORED_VALUE\nPICKUP: PICKUP\nEXCHANGE: EXCHANGE\nBENEFIT: BENEFIT', enum_type=GiftCardKind, max_length=16)),
                ('state', fields.CharEnumField(description='ISSUED: ISSUED\nACTIVE: ACTIVE\nCLAIMED: CLAIMED\nUSED_UP: USED_UP\nEXPIRED: EXPIRED\nVOIDED: VOIDED', enum_type=GiftCardState, max_length=16)),
                ('code_hash', fields.CharField(unique=True, max_length=64)),
                ('code_hint', fields.CharField(max_length=4)),
                ('balance_minor', fields.BigIntField(default=0)),
                ('uses_left', fields.IntField(default=0)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', null=True, db_constraint=True, to_field='id', related_name='gift_cards', on_delete=OnDelete.RESTRICT)),
                ('bought_by', fields.ForeignKeyField('loyalty.Member', source_field='bought_by_id', null=True, db_constraint=True, to_field='id', related_name='gift_cards_bought', on_delete=OnDelete.RESTRICT)),
                ('valid_from', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('valid_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('benefit_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'gift_card', 'app': 'loyalty', 'indexes': [Index(fields=['brand_id', 'state', 'valid_until']), Index(fields=['member_id', 'id']), Index(fields=['template_id', 'state'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GiftCardLedgerEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='gift_card_entries', on_delete=OnDelete.RESTRICT)),
                ('card', fields.ForeignKeyField('loyalty.GiftCard', source_field='card_id', db_constraint=True, to_field='id', related_name='ledger', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='ISSUE: ISSUE\nACTIVATE: ACTIVATE\nCLAIM: CLAIM\nTRANSFER: TRANSFER\nPAY: PAY\nPAY_REFUND: PAY_REFUND\nPICKUP: PICKUP\nEXCHANGE: EXCHANGE\nBENEFIT: BENEFIT\nEXPIRE: EXPIRE\nVOID: VOID', enum_type=GiftCardLedgerKind, max_length=12)),
                ('amount_delta', fields.BigIntField(default=0)),
                ('uses_delta', fields.IntField(default=0)),
                ('balance_after', fields.BigIntField()),
                ('uses_after', fields.IntField()),
                ('store_id', fields.BigIntField(null=True)),
                ('member_id', fields.BigIntField(null=True)),
                ('item_sku', fields.CharField(null=True, max_length=64)),
                ('order_id', fields.CharField(null=True, max_length=64)),
                ('actor', fields.CharField(max_length=64)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('idempotency_key', fields.CharField(null=True, max_length=140)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'gift_card_ledger_entry', 'app': 'loyalty', 'unique_together': (('brand', 'idempotency_key'),), 'indexes': [Index(fields=['card_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunPython(add_checks, drop_checks),
    ]
