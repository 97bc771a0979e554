"""Automations and their firings (UNIQUE automation, member, period key), partner member events,
notification channels and member opt-outs. The points ledger's `kind` gained REWARD: state only
(AlterFieldState), since a real AlterField rebuilds the table on SQLite without its UNIQUE
constraints."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from domain.automations.models import AutomationAction, AutomationPeriod, AutomationTrigger, MemberEventKind
from domain.notifications.models import NotificationChannel
from domain.points.models import LedgerKind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

from server.migration_ops import AlterFieldState

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0010_segments')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Automation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='automations', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('trigger', fields.CharEnumField(description='DORMANT_DAYS: DORMANT_DAYS\nPOINTS_EXPIRING: POINTS_EXPIRING\nREGISTERED_NO_ORDER: REGISTERED_NO_ORDER\nNEAR_NEXT_TIER: NEAR_NEXT_TIER\nBIRTHDAY: BIRTHDAY\nCOUPON_EXPIRING: COUPON_EXPIRING\nEVENT: EVENT\nEVENT_ABSENT: EVENT_ABSENT\nSEGMENT: SEGMENT', enum_type=AutomationTrigger, max_length=24)),
                ('trigger_params', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('action', fields.CharEnumField(description='ISSUE_COUPON: ISSUE_COUPON\nGRANT_POINTS: GRANT_POINTS\nADD_TAG: ADD_TAG\nNOTIFY: NOTIFY', enum_type=AutomationAction, max_length=16)),
                ('action_params', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('period', fields.CharEnumField(description='ONCE: ONCE\nDAILY: DAILY\nWEEKLY: WEEKLY\nMONTHLY: MONTHLY\nYEARLY: YEARLY\nEVERY_N_DAYS: EVERY_N_DAYS', enum_type=AutomationPeriod, max_length=16)),
                ('period_days', fields.IntField(null=True)),
                ('active', fields.BooleanField(default=True)),
                ('points_budget', fields.BigIntField(default=0)),
                ('points_granted', fields.BigIntField(default=0)),
                ('budget_approved_by', fields.CharField(null=True, max_length=64)),
                ('budget_approved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('last_run_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'automation', 'app': 'loyalty', 'indexes': [Index(fields=['brand_id', 'active'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AutomationFiring',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='automation_firings', on_delete=OnDelete.RESTRICT)),
                ('automation', fields.ForeignKeyField('loyalty.Automation', source_field='automation_id', db_constraint=True, to_field='id', related_name='firings', on_delete=OnDelete.RESTRICT)),
                ('member_id', fields.BigIntField()),
                ('period_key', fields.CharField(max_length=32)),
                ('outcome', fields.CharField(default='DONE', max_length=32)),
                ('fired_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'automation_firing', 'app': 'loyalty', 'unique_together': (('automation', 'member_id', 'period_key'),), 'pk_attr': 'id', 'table_description': 'One row per (automation, member, period key), inserted in the transaction of the action:'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='member_events', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='CART_ABANDONED: CART_ABANDONED\nORDER_DELIVERED: ORDER_DELIVERED\nORDER_REVIEWED: ORDER_REVIEWED\nPAGE_VIEWED: PAGE_VIEWED', enum_type=MemberEventKind, max_length=16)),
                ('reference', fields.CharField(max_length=128)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('recorded_by', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_event', 'app': 'loyalty', 'unique_together': (('brand', 'kind', 'reference'),), 'indexes': [Index(fields=['brand_id', 'kind', 'occurred_at'])], 'pk_attr': 'id', 'table_description': 'What a partner told us a member did, once per (brand, kind, reference).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='notification_preferences', on_delete=OnDelete.RESTRICT)),
                ('member', fields.OneToOneField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='notification_preference', on_delete=OnDelete.RESTRICT)),
                ('sms_opt_out', fields.BooleanField(default=False)),
                ('wechat_opt_out', fields.BooleanField(default=False)),
                ('app_push_opt_out', fields.BooleanField(default=False)),
                ('marketing_opt_out', fields.BooleanField(default=False)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'notification_preference', 'app': 'loyalty', 'pk_attr': 'id', 'table_description': "A member's opt-outs, per channel and for marketing (service notices still reach it)."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Notification',
            name='channel',
            field=fields.CharEnumField(default=NotificationChannel.WEBHOOK, description='WEBHOOK: WEBHOOK\nSMS: SMS\nWECHAT: WECHAT\nAPP_PUSH: APP_PUSH', db_default='WEBHOOK', enum_type=NotificationChannel, max_length=8),
        ),
        AlterFieldState(
            model_name='PointsLedgerEntry',
            name='kind',
            field=fields.CharEnumField(description='EARN: EARN\nREDEEM: REDEEM\nEXPIRE: EXPIRE\nADJUST: ADJUST\nREVERSE: REVERSE\nRETURN: RETURN\nOPENING: OPENING\nACTIVITY: ACTIVITY\nREWARD: REWARD', enum_type=LedgerKind, max_length=8),
        ),
    ]
