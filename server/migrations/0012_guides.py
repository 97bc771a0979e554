from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.guides.models import ContactChannel, TaskReason
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0011_automations')]

    initial = False

    operations = [
        ops.CreateModel(
            name='GuideAssignment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='guide_assignments', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='guide_assignments', on_delete=OnDelete.RESTRICT)),
                ('guide_id', fields.BigIntField(null=True)),
                ('previous_guide_id', fields.BigIntField(null=True)),
                ('store_id', fields.BigIntField()),
                ('assigned_by', fields.CharField(max_length=64)),
                ('assigned_by_role', fields.CharField(max_length=32)),
                ('segment_id', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'guide_assignment', 'app': 'loyalty', 'indexes': [Index(fields=['member_id', 'id']), Index(fields=['brand_id', 'guide_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GuideFollowUp',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='guide_follow_ups', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='guide_follow_ups', on_delete=OnDelete.RESTRICT)),
                ('guide_id', fields.BigIntField()),
                ('store_id', fields.BigIntField()),
                ('reason', fields.CharEnumField(description='NEAR_NEXT_TIER: NEAR_NEXT_TIER\nHIGH_POINTS_UNREDEEMED: HIGH_POINTS_UNREDEEMED\nPOINTS_EXPIRING: POINTS_EXPIRING\nCOUPON_EXPIRING: COUPON_EXPIRING\nDORMANT: DORMANT', enum_type=TaskReason, max_length=24)),
                ('channel', fields.CharEnumField(description='PHONE: PHONE\nWECHAT: WECHAT\nSMS: SMS\nIN_STORE: IN_STORE\nOTHER: OTHER', enum_type=ContactChannel, max_length=16)),
                ('note', fields.CharField(default='', max_length=500)),
                ('recorded_by', fields.CharField(max_length=64)),
                ('completed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'guide_follow_up', 'app': 'loyalty', 'indexes': [Index(fields=['member_id', 'reason', 'completed_at']), Index(fields=['brand_id', 'guide_id', 'completed_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='GuideSettings',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.OneToOneField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='guide_settings', on_delete=OnDelete.RESTRICT)),
                ('near_tier_percent', fields.IntField(default=10)),
                ('high_points_threshold', fields.BigIntField(default=5000)),
                ('high_points_idle_days', fields.IntField(default=90)),
                ('points_expiring_days', fields.IntField(default=30)),
                ('coupon_expiring_days', fields.IntField(default=7)),
                ('dormant_days', fields.IntField(default=60)),
                ('cooldown_days', fields.IntField(default=30)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'guide_settings', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Member',
            name='guide',
            field=fields.ForeignKeyField('loyalty.Staff', source_field='guide_id', null=True, db_index=True, db_constraint=True, to_field='id', related_name='guided_members', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='Member',
            name='registered_by_staff_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='Purchase',
            name='guide_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddIndex(
            model_name='Purchase',
            index=Index(fields=['guide_id', 'occurred_at']),
        ),
    ]
