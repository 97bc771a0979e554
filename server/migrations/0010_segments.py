from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.members.models import TagKind
from domain.segments.models import RfmMethod, RfmSegment, TagRuleKind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0009_wallet_gifts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MemberRfm',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='member_rfm', on_delete=OnDelete.RESTRICT)),
                ('member', fields.OneToOneField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='rfm', on_delete=OnDelete.RESTRICT)),
                ('recency', fields.SmallIntField()),
                ('frequency', fields.SmallIntField()),
                ('monetary', fields.SmallIntField()),
                ('segment', fields.CharEnumField(description='HIGH_VALUE: HIGH_VALUE\nAT_RISK: AT_RISK\nDORMANT: DORMANT\nNEW: NEW\nREGULAR: REGULAR', enum_type=RfmSegment, max_length=16)),
                ('last_purchase_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('order_count', fields.IntField(default=0)),
                ('net_spend_minor', fields.BigIntField(default=0)),
                ('computed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'member_rfm', 'app': 'loyalty', 'indexes': [Index(fields=['brand_id', 'segment'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RfmSettings',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.OneToOneField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='rfm_settings', on_delete=OnDelete.RESTRICT)),
                ('method', fields.CharEnumField(default=RfmMethod.QUINTILES, description='QUINTILES: QUINTILES\nTHRESHOLDS: THRESHOLDS', enum_type=RfmMethod, max_length=16)),
                ('window_days', fields.IntField(default=365)),
                ('recency_days', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('frequency_orders', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('monetary_minor', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('dormant_days', fields.IntField(default=180)),
                ('new_days', fields.IntField(default=30)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'rfm_settings', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SavedSegment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='saved_segments', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('criteria', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_by', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'saved_segment', 'app': 'loyalty', 'unique_together': (('brand', 'name'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TagRule',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='tag_rules', on_delete=OnDelete.RESTRICT)),
                ('tag', fields.CharField(max_length=32)),
                ('kind', fields.CharEnumField(description='SPENT_AT_LEAST: SPENT_AT_LEAST\nORDERS_AT_LEAST: ORDERS_AT_LEAST\nSTORES_AT_LEAST: STORES_AT_LEAST', enum_type=TagRuleKind, max_length=16)),
                ('threshold', fields.BigIntField()),
                ('days', fields.IntField()),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'tag_rule', 'app': 'loyalty', 'unique_together': (('brand', 'tag'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='MemberTag',
            name='created_by',
            field=fields.CharField(default='', db_default='', max_length=64),
        ),
        ops.AddField(
            model_name='MemberTag',
            name='kind',
            field=fields.CharEnumField(default=TagKind.MANUAL, description='MANUAL: MANUAL\nRULE: RULE\nAUTOMATION: AUTOMATION', db_default='MANUAL', enum_type=TagKind, max_length=16),
        ),
        ops.AddIndex(
            model_name='Purchase',
            index=Index(fields=['brand_id', 'member_id', 'occurred_at']),
        ),
    ]
