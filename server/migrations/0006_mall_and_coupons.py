from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.coupons.models import CouponKind, CouponStatus
from domain.mall.models import MallItemKind, RedemptionState, StockReason
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

# PostgreSQL refuses a negative stock (the conditional UPDATE already never makes one); SQLite
# relies on that UPDATE and `loyalty verify-ledgers` (see 0003 for why SQLite gets no CHECK).
CHECKS = [("mall_item", "mall_item_stock_not_negative", "stock IS NULL OR stock >= 0")]


async def add_checks(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        for table, name, check in CHECKS:
            await schema_editor.client.execute_script(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" CHECK ({check})')


async def drop_checks(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        for table, name, _ in CHECKS:
            await schema_editor.client.execute_script(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')


class Migration(migrations.Migration):
    dependencies = [('loyalty', '0005_gift_cards')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CouponTemplate',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='coupon_templates', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('kind', fields.CharEnumField(description='AMOUNT_OFF: AMOUNT_OFF\nPERCENT_OFF: PERCENT_OFF\nGIFT: GIFT', enum_type=CouponKind, max_length=16)),
                ('amount_off_minor', fields.BigIntField(default=0)),
                ('percent_off', fields.IntField(default=0)),
                ('max_discount_minor', fields.BigIntField(null=True)),
                ('gift_item', fields.CharField(default='', max_length=100)),
                ('min_spend_minor', fields.BigIntField(default=0)),
                ('store_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('valid_from', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('valid_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('valid_days', fields.IntField(null=True)),
                ('per_member_limit', fields.IntField(null=True)),
                ('issued_count', fields.BigIntField(default=0)),
                ('used_count', fields.BigIntField(default=0)),
                ('created_by', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'coupon_template', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Coupon',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='coupons', on_delete=OnDelete.RESTRICT)),
                ('template', fields.ForeignKeyField('loyalty.CouponTemplate', source_field='template_id', db_constraint=True, to_field='id', related_name='coupons', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='coupons', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(max_length=16)),
                ('source', fields.CharField(max_length=32)),
                ('idempotency_key', fields.CharField(max_length=128)),
                ('issued_store_id', fields.BigIntField(null=True)),
                ('issued_by', fields.CharField(max_length=64)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('valid_from', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('valid_until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('status', fields.CharEnumField(default=CouponStatus.UNUSED, description='UNUSED: UNUSED\nUSED: USED\nEXPIRED: EXPIRED', enum_type=CouponStatus, max_length=8)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('used_store_id', fields.BigIntField(null=True)),
                ('used_order_id', fields.CharField(null=True, max_length=64)),
                ('used_order_minor', fields.BigIntField(null=True)),
                ('discount_minor', fields.BigIntField(null=True)),
                ('used_by', fields.CharField(null=True, max_length=64)),
            ],
            options={'table': 'coupon', 'app': 'loyalty', 'unique_together': (('brand', 'code'), ('brand', 'idempotency_key'), ('brand', 'used_order_id')), 'indexes': [Index(fields=['member_id', 'id']), Index(fields=['template_id', 'member_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MallItem',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='mall_items', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('description', fields.CharField(default='', max_length=500)),
                ('kind', fields.CharEnumField(description='PICKUP: PICKUP\nCOUPON: COUPON\nVIRTUAL: VIRTUAL', enum_type=MallItemKind, max_length=8)),
                ('points_price', fields.BigIntField()),
                ('cash_minor', fields.BigIntField(default=0)),
                ('stock', fields.BigIntField(null=True)),
                ('per_member_limit', fields.IntField(null=True)),
                ('limit_period_days', fields.IntField(null=True)),
                ('eligible_tiers', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('eligible_store_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('sale_starts_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sale_ends_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('near_expiry', fields.BooleanField(default=False)),
                ('coupon_template', fields.ForeignKeyField('loyalty.CouponTemplate', source_field='coupon_template_id', null=True, db_constraint=True, to_field='id', related_name='mall_items', on_delete=OnDelete.RESTRICT)),
                ('pickup_days', fields.IntField(default=7)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'mall_item', 'app': 'loyalty', 'indexes': [Index(fields=['brand_id', 'active'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MallRedemption',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='mall_redemptions', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='mall_redemptions', on_delete=OnDelete.RESTRICT)),
                ('item', fields.ForeignKeyField('loyalty.MallItem', source_field='item_id', db_constraint=True, to_field='id', related_name='redemptions', on_delete=OnDelete.RESTRICT)),
                ('quantity', fields.IntField()),
                ('points', fields.BigIntField()),
                ('cash_minor', fields.BigIntField(default=0)),
                ('stock_taken', fields.BooleanField(default=False)),
                ('state', fields.CharEnumField(description='PENDING: PENDING\nCOLLECTED: COLLECTED\nCOMPLETED: COMPLETED\nCANCELLED: CANCELLED', enum_type=RedemptionState, max_length=9)),
                ('idempotency_key', fields.CharField(max_length=128)),
                ('points_entry', fields.ForeignKeyField('loyalty.PointsLedgerEntry', source_field='points_entry_id', db_constraint=True, to_field='id', related_name='mall_redemptions', on_delete=OnDelete.RESTRICT)),
                ('coupon', fields.ForeignKeyField('loyalty.Coupon', source_field='coupon_id', null=True, db_constraint=True, to_field='id', related_name='mall_redemptions', on_delete=OnDelete.RESTRICT)),
                ('verification_code', fields.CharField(null=True, max_length=8)),
                ('pickup_store_id', fields.BigIntField(null=True)),
                ('pickup_expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('verified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('verified_store_id', fields.BigIntField(null=True)),
                ('verified_by', fields.CharField(null=True, max_length=64)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_by', fields.CharField(null=True, max_length=64)),
                ('cancel_reason', fields.CharField(null=True, max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'mall_redemption', 'app': 'loyalty', 'unique_together': (('brand', 'member', 'idempotency_key'), ('brand', 'verification_code')), 'indexes': [Index(fields=['member_id', 'id']), Index(fields=['item_id', 'member_id']), Index(fields=['brand_id', 'state', 'pickup_store_id']), Index(fields=['state', 'pickup_expires_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MallStockMovement',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='mall_stock_movements', on_delete=OnDelete.RESTRICT)),
                ('item', fields.ForeignKeyField('loyalty.MallItem', source_field='item_id', db_constraint=True, to_field='id', related_name='stock_movements', on_delete=OnDelete.RESTRICT)),
                ('delta', fields.BigIntField()),
                ('reason', fields.CharEnumField(description='RESTOCK: RESTOCK\nREDEEM: REDEEM\nRETURN: RETURN', enum_type=StockReason, max_length=8)),
                ('redemption_id', fields.BigIntField(null=True)),
                ('actor', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mall_stock_movement', 'app': 'loyalty', 'indexes': [Index(fields=['item_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunPython(add_checks, drop_checks),
    ]
