from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.members.models import Gender, MemberSource
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Brand',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('slug', fields.CharField(unique=True, max_length=40)),
                ('name', fields.CharField(max_length=100)),
                ('currency', fields.CharField(default='CNY', max_length=3)),
                ('timezone', fields.CharField(default='Asia/Shanghai', max_length=64)),
                ('phone_region', fields.CharField(default='CN', max_length=2)),
                ('required_profile_fields', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'brand', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiClient',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='api_clients', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('key_prefix', fields.CharField(unique=True, max_length=16)),
                ('key_hash', fields.CharField(max_length=64)),
                ('scopes', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('store_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_by_staff_id', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_client', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='audit_entries', on_delete=OnDelete.RESTRICT)),
                ('actor', fields.CharField(max_length=64)),
                ('action', fields.CharField(max_length=64)),
                ('object_type', fields.CharField(max_length=32)),
                ('object_id', fields.CharField(max_length=64)),
                ('store_id', fields.BigIntField(null=True)),
                ('changes', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'audit_entry', 'app': 'loyalty', 'indexes': [Index(fields=['brand_id', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CasbinRule',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ptype', fields.CharField(max_length=8)),
                ('v0', fields.CharField(max_length=128)),
                ('v1', fields.CharField(max_length=128)),
                ('v2', fields.CharField(max_length=128)),
                ('v3', fields.CharField(max_length=128)),
            ],
            options={'table': 'casbin_rule', 'app': 'loyalty', 'unique_together': (('ptype', 'v0', 'v1', 'v2', 'v3'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Store',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='stores', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(max_length=32)),
                ('name', fields.CharField(max_length=100)),
                ('city', fields.CharField(max_length=64)),
                ('address', fields.CharField(default='', max_length=255)),
                ('tags', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'store', 'app': 'loyalty', 'unique_together': (('brand', 'code'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Member',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.RESTRICT)),
                ('phone', fields.CharField(max_length=20)),
                ('name', fields.CharField(null=True, max_length=100)),
                ('birthday', fields.DateField(null=True)),
                ('gender', fields.CharEnumField(null=True, description='FEMALE: FEMALE\nMALE: MALE\nOTHER: OTHER', enum_type=Gender, max_length=8)),
                ('home_store', fields.ForeignKeyField('loyalty.Store', source_field='home_store_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.RESTRICT)),
                ('source', fields.CharEnumField(description='STORE_QR: STORE_QR\nSTORE_COUNTER: STORE_COUNTER\nMINI_PROGRAM: MINI_PROGRAM\nIMPORT: IMPORT\nCHANNEL: CHANNEL\nREFERRAL: REFERRAL\nPARTNER: PARTNER', enum_type=MemberSource, max_length=16)),
                ('referral_code', fields.CharField(max_length=12)),
                ('referred_by', fields.ForeignKeyField('loyalty.Member', source_field='referred_by_id', null=True, db_constraint=True, to_field='id', related_name='referrals', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member', 'app': 'loyalty', 'unique_together': (('brand', 'phone'), ('brand', 'referral_code')), 'indexes': [Index(fields=['brand_id', 'home_store_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Staff',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='staff', on_delete=OnDelete.RESTRICT)),
                ('store', fields.ForeignKeyField('loyalty.Store', source_field='store_id', null=True, db_constraint=True, to_field='id', related_name='staff', on_delete=OnDelete.RESTRICT)),
                ('email', fields.CharField(max_length=254)),
                ('name', fields.CharField(max_length=100)),
                ('password_hash', fields.CharField(max_length=255)),
                ('role', fields.CharField(max_length=32)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'staff', 'app': 'loyalty', 'unique_together': (('brand', 'email'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StoreMemberCard',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='store_member_cards', on_delete=OnDelete.RESTRICT)),
                ('store', fields.OneToOneField('loyalty.Store', source_field='store_id', db_constraint=True, to_field='id', related_name='member_card', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('trial_days', fields.IntField(default=0)),
                ('discount_percent', fields.IntField(default=0)),
                ('benefits', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'store_member_card', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StoreMemberPrice',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='store_member_prices', on_delete=OnDelete.RESTRICT)),
                ('store', fields.ForeignKeyField('loyalty.Store', source_field='store_id', db_constraint=True, to_field='id', related_name='member_prices', on_delete=OnDelete.RESTRICT)),
                ('sku', fields.CharField(max_length=64)),
                ('tier_level', fields.IntField(default=0)),
                ('price_minor', fields.BigIntField()),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'store_member_price', 'app': 'loyalty', 'unique_together': (('store', 'sku', 'tier_level'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
