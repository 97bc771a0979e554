from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.tiers.models import TierMode
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0002_points')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MemberTier',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='member_tiers', on_delete=OnDelete.RESTRICT)),
                ('member', fields.OneToOneField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='tier', on_delete=OnDelete.RESTRICT)),
                ('level', fields.IntField(default=0)),
                ('qualifying', fields.BigIntField(default=0)),
                ('period_start', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('period_end', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'member_tier', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TierProgram',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.OneToOneField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='tier_program', on_delete=OnDelete.RESTRICT)),
                ('mode', fields.CharEnumField(description='SPEND: SPEND\nGROWTH: GROWTH\nSTORED_VALUE: STORED_VALUE', enum_type=TierMode, max_length=16)),
                ('evaluation_months', fields.IntField()),
                ('levels', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'tier_program', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
