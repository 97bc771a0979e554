from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.wallet.models import Bucket, ConsumptionRule, MembershipLedgerKind, MembershipState, PeriodUnit, PlanKind, WalletLedgerKind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

# PostgreSQL refuses a negative wallet balance or a grant outside its bounds (as 0003 does for
# points); on SQLite the ledger code refuses them and `loyalty verify-ledgers` checks every wallet.
CHECKS = [
    ("wallet", "wallet_not_negative", "principal_minor >= 0 AND bonus_minor >= 0"),
    ("wallet_grant", "wallet_grant_within_amount", "remaining >= 0 AND remaining <= amount"),
]


async def add_checks(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        for table, name, check in CHECKS:
            await schema_editor.client.execute_script(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" CHECK ({check})')


async def drop_checks(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        for table, name, _ in CHECKS:
            await schema_editor.client.execute_script(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')


class Migration(migrations.Migration):
    dependencies = [('loyalty', '0003_balance_checks')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PaidMembershipPlan',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='paid_membership_plans', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('price_minor', fields.BigIntField()),
                ('period_unit', fields.CharEnumField(description='MONTHS: MONTHS\nDAYS: DAYS', enum_type=PeriodUnit, max_length=8)),
                ('period_count', fields.IntField()),
                ('discount_percent', fields.IntField(default=0)),
                ('points_multiplier', fields.CharField(default='1', max_length=8)),
                ('early_access_tag', fields.CharField(null=True, max_length=40)),
                ('refund_window_days', fields.IntField(default=0)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'paid_membership_plan', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PaidMembership',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='paid_memberships', on_delete=OnDelete.RESTRICT)),
                ('member', fields.OneToOneField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='paid_membership', on_delete=OnDelete.RESTRICT)),
                ('plan', fields.ForeignKeyField('loyalty.PaidMembershipPlan', source_field='plan_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.RESTRICT)),
                ('state', fields.CharEnumField(description='ACTIVE: ACTIVE\nEXPIRED: EXPIRED\nREFUNDED: REFUNDED', enum_type=MembershipState, max_length=8)),
                ('term_started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'paid_membership', 'app': 'loyalty', 'indexes': [Index(fields=['state', 'ends_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PaidMembershipLedgerEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='paid_membership_entries', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='paid_membership_ledger', on_delete=OnDelete.RESTRICT)),
                ('plan', fields.ForeignKeyField('loyalty.PaidMembershipPlan', source_field='plan_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='PURCHASE: PURCHASE\nRENEWAL: RENEWAL\nREFUND: REFUND\nEXPIRE: EXPIRE', enum_type=MembershipLedgerKind, max_length=8)),
                ('amount_minor', fields.BigIntField()),
                ('period_start', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('period_end', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('store_id', fields.BigIntField(null=True)),
                ('actor', fields.CharField(max_length=64)),
                ('idempotency_key', fields.CharField(null=True, max_length=128)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'paid_membership_ledger_entry', 'app': 'loyalty', 'unique_together': (('brand', 'idempotency_key'),), 'indexes': [Index(fields=['member_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TopUpPlan',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='top_up_plans', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('kind', fields.CharEnumField(default=PlanKind.STANDARD, description='STANDARD: STANDARD\nFREE_ORDER: FREE_ORDER', enum_type=PlanKind, max_length=16)),
                ('pay_minor', fields.BigIntField(default=0)),
                ('bonus_minor', fields.BigIntField(default=0)),
                ('free_order_multiple', fields.IntField(null=True)),
                ('offered_store_ids', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('bonus_store_ids', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('bonus_expiry_days', fields.IntField(null=True)),
                ('gift_points', fields.BigIntField(default=0)),
                ('gift_tier_level', fields.IntField(null=True)),
                ('active_from', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('active_to', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'top_up_plan', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Wallet',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='wallets', on_delete=OnDelete.RESTRICT)),
                ('member', fields.OneToOneField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='wallet', on_delete=OnDelete.RESTRICT)),
                ('principal_minor', fields.BigIntField(default=0)),
                ('bonus_minor', fields.BigIntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'wallet', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WalletLedgerEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='wallet_entries', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='wallet_ledger', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='TOP_UP: TOP_UP\nBONUS: BONUS\nPAY: PAY\nPAY_REFUND: PAY_REFUND\nBALANCE_REFUND: BALANCE_REFUND\nBONUS_FORFEIT: BONUS_FORFEIT\nBONUS_EXPIRE: BONUS_EXPIRE', enum_type=WalletLedgerKind, max_length=16)),
                ('principal_delta', fields.BigIntField(default=0)),
                ('bonus_delta', fields.BigIntField(default=0)),
                ('principal_after', fields.BigIntField()),
                ('bonus_after', fields.BigIntField()),
                ('store_id', fields.BigIntField(null=True)),
                ('order_id', fields.CharField(null=True, max_length=64)),
                ('actor', fields.CharField(max_length=64)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('idempotency_key', fields.CharField(null=True, max_length=128)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'wallet_ledger_entry', 'app': 'loyalty', 'unique_together': (('brand', 'idempotency_key'),), 'indexes': [Index(fields=['member_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WalletGrant',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='wallet_grants', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='wallet_grants', on_delete=OnDelete.RESTRICT)),
                ('entry', fields.ForeignKeyField('loyalty.WalletLedgerEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='grants', on_delete=OnDelete.RESTRICT)),
                ('bucket', fields.CharEnumField(description='PRINCIPAL: PRINCIPAL\nBONUS: BONUS', enum_type=Bucket, max_length=16)),
                ('origin_store_id', fields.BigIntField()),
                ('usable_store_ids', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('amount', fields.BigIntField()),
                ('remaining', fields.BigIntField()),
                ('granted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'wallet_grant', 'app': 'loyalty', 'indexes': [Index(fields=['member_id', 'bucket', 'remaining']), Index(fields=['brand_id', 'expires_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WalletLedgerLine',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='wallet_lines', on_delete=OnDelete.RESTRICT)),
                ('member_id', fields.BigIntField()),
                ('entry', fields.ForeignKeyField('loyalty.WalletLedgerEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.RESTRICT)),
                ('grant', fields.ForeignKeyField('loyalty.WalletGrant', source_field='grant_id', db_constraint=True, to_field='id', related_name='lines', on_delete=OnDelete.RESTRICT)),
                ('bucket', fields.CharEnumField(description='PRINCIPAL: PRINCIPAL\nBONUS: BONUS', enum_type=Bucket, max_length=16)),
                ('origin_store_id', fields.BigIntField()),
                ('amount', fields.BigIntField()),
            ],
            options={'table': 'wallet_ledger_line', 'app': 'loyalty', 'indexes': [Index(fields=['brand_id', 'origin_store_id']), Index(fields=['entry_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WalletPayment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='wallet_payments', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='wallet_payments', on_delete=OnDelete.RESTRICT)),
                ('store', fields.ForeignKeyField('loyalty.Store', source_field='store_id', db_constraint=True, to_field='id', related_name='wallet_payments', on_delete=OnDelete.RESTRICT)),
                ('order_id', fields.CharField(max_length=64)),
                ('amount_minor', fields.BigIntField()),
                ('principal_minor', fields.BigIntField()),
                ('bonus_minor', fields.BigIntField()),
                ('entry', fields.ForeignKeyField('loyalty.WalletLedgerEntry', source_field='entry_id', db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.RESTRICT)),
                ('refunded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'wallet_payment', 'app': 'loyalty', 'unique_together': (('brand', 'order_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WalletSettings',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.OneToOneField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='wallet_settings', on_delete=OnDelete.RESTRICT)),
                ('consumption_rule', fields.CharEnumField(default=ConsumptionRule.PROPORTIONAL, description='PROPORTIONAL: PROPORTIONAL\nPRINCIPAL_FIRST: PRINCIPAL_FIRST\nBONUS_FIRST: BONUS_FIRST', enum_type=ConsumptionRule, max_length=16)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'wallet_settings', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WalletTopUp',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='wallet_top_ups', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='wallet_top_ups', on_delete=OnDelete.RESTRICT)),
                ('store', fields.ForeignKeyField('loyalty.Store', source_field='store_id', db_constraint=True, to_field='id', related_name='wallet_top_ups', on_delete=OnDelete.RESTRICT)),
                ('plan', fields.ForeignKeyField('loyalty.TopUpPlan', source_field='plan_id', null=True, db_constraint=True, to_field='id', related_name='top_ups', on_delete=OnDelete.RESTRICT)),
                ('payment_reference', fields.CharField(max_length=64)),
                ('paid_minor', fields.BigIntField()),
                ('bonus_minor', fields.BigIntField(default=0)),
                ('free_order_minor', fields.BigIntField(default=0)),
                ('order_id', fields.CharField(null=True, max_length=64)),
                ('gift_points', fields.BigIntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'wallet_top_up', 'app': 'loyalty', 'unique_together': (('brand', 'payment_reference'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunPython(add_checks, drop_checks),
    ]
