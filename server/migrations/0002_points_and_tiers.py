from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.points.models import ExpiryPolicy, LedgerKind
from domain.tiers.models import TierMode
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0001_initial')]

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
            name='PointsAccount',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='points_accounts', on_delete=OnDelete.RESTRICT)),
                ('member', fields.OneToOneField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='points_account', on_delete=OnDelete.RESTRICT)),
                ('balance', fields.BigIntField(default=0)),
                ('debt', fields.BigIntField(default=0)),
                ('lifetime_earned', fields.BigIntField(default=0)),
            ],
            options={'table': 'points_account', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PointsLedgerEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='points_entries', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='points_ledger', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='EARN: EARN\nREDEEM: REDEEM\nEXPIRE: EXPIRE\nADJUST: ADJUST\nREVERSE: REVERSE\nRETURN: RETURN', enum_type=LedgerKind, max_length=8)),
                ('points', fields.BigIntField()),
                ('delta', fields.BigIntField()),
                ('debt_delta', fields.BigIntField(default=0)),
                ('balance_after', fields.BigIntField()),
                ('rule_version', fields.IntField(null=True)),
                ('store_id', fields.BigIntField(null=True)),
                ('purchase_id', fields.BigIntField(null=True)),
                ('actor', fields.CharField(max_length=64)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('idempotency_key', fields.CharField(null=True, max_length=128)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'points_ledger_entry', 'app': 'loyalty', 'unique_together': (('brand', 'idempotency_key'),), 'indexes': [Index(fields=['member_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PointsLot',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='points_lots_brand', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='points_lots', on_delete=OnDelete.RESTRICT)),
                ('entry', fields.ForeignKeyField('loyalty.PointsLedgerEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='lots', on_delete=OnDelete.RESTRICT)),
                ('purchase_id', fields.BigIntField(null=True)),
                ('earned', fields.BigIntField()),
                ('remaining', fields.BigIntField()),
                ('earned_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'points_lot', 'app': 'loyalty', 'indexes': [Index(fields=['member_id', 'expires_at']), Index(fields=['brand_id', 'expires_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PointsLotUse',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('entry', fields.ForeignKeyField('loyalty.PointsLedgerEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='lot_uses', on_delete=OnDelete.RESTRICT)),
                ('lot', fields.ForeignKeyField('loyalty.PointsLot', source_field='lot_id', db_constraint=True, to_field='id', related_name='uses', on_delete=OnDelete.RESTRICT)),
                ('points', fields.BigIntField()),
            ],
            options={'table': 'points_lot_use', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PointsPayment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='points_payments', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='points_payments', on_delete=OnDelete.RESTRICT)),
                ('store', fields.ForeignKeyField('loyalty.Store', source_field='store_id', db_constraint=True, to_field='id', related_name='points_payments', on_delete=OnDelete.RESTRICT)),
                ('order_id', fields.CharField(max_length=64)),
                ('order_amount_minor', fields.BigIntField()),
                ('points', fields.BigIntField()),
                ('amount_off_minor', fields.BigIntField()),
                ('entry', fields.ForeignKeyField('loyalty.PointsLedgerEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.RESTRICT)),
                ('refunded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'points_payment', 'app': 'loyalty', 'unique_together': (('brand', 'order_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PointsRules',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='points_rules', on_delete=OnDelete.RESTRICT)),
                ('version', fields.IntField()),
                ('earn_points', fields.IntField()),
                ('earn_per_minor', fields.BigIntField()),
                ('tier_multipliers', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('wallet_paid_earns', fields.BooleanField(default=False)),
                ('activity_points', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('expiry_policy', fields.CharEnumField(description='ROLLING_MONTHS: ROLLING_MONTHS\nEND_OF_YEAR_AFTER: END_OF_YEAR_AFTER', enum_type=ExpiryPolicy, max_length=24)),
                ('expiry_n', fields.IntField()),
                ('daily_cap', fields.IntField(null=True)),
                ('redeem_enabled', fields.BooleanField(default=True)),
                ('redeem_points', fields.IntField(default=100)),
                ('redeem_value_minor', fields.BigIntField(default=100)),
                ('redeem_max_share_percent', fields.IntField(default=50)),
                ('redeem_min_points', fields.IntField(default=100)),
                ('created_by', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'points_rules', 'app': 'loyalty', 'unique_together': (('brand', 'version'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Purchase',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='purchases_brand', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='purchases', on_delete=OnDelete.RESTRICT)),
                ('store', fields.ForeignKeyField('loyalty.Store', source_field='store_id', db_constraint=True, to_field='id', related_name='purchases', on_delete=OnDelete.RESTRICT)),
                ('channel', fields.CharField(max_length=16)),
                ('order_id', fields.CharField(max_length=64)),
                ('amount_minor', fields.BigIntField()),
                ('wallet_paid_minor', fields.BigIntField(default=0)),
                ('points_earned', fields.BigIntField()),
                ('refunded_minor', fields.BigIntField(default=0)),
                ('points_reversed', fields.BigIntField(default=0)),
                ('rule_version', fields.IntField()),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'purchase', 'app': 'loyalty', 'unique_together': (('brand', 'channel', 'order_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PurchaseRefund',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('purchase', fields.ForeignKeyField('loyalty.Purchase', source_field='purchase_id', db_constraint=True, to_field='id', related_name='refunds', on_delete=OnDelete.RESTRICT)),
                ('refund_id', fields.CharField(max_length=64)),
                ('amount_minor', fields.BigIntField()),
                ('points_reversed', fields.BigIntField()),
                ('debt_added', fields.BigIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'purchase_refund', 'app': 'loyalty', 'unique_together': (('purchase', 'refund_id'),), 'pk_attr': 'id'},
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
