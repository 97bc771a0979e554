from tortoise import migrations

from server.migration_ops import AlterFieldState
from tortoise.migrations import operations as ops
import functools
from domain.channels.models import ChannelOrderStatus
from domain.engagement.models import CampaignRule
from domain.notifications.models import NotificationStatus
from domain.points.models import LedgerKind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0006_mall_and_coupons')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ActivityRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='activities', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='activities', on_delete=OnDelete.RESTRICT)),
                ('activity', fields.CharField(max_length=16)),
                ('reference', fields.CharField(max_length=128)),
                ('day', fields.DateField()),
                ('points', fields.BigIntField()),
                ('actor', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'activity_record', 'app': 'loyalty', 'unique_together': (('member', 'activity', 'reference'),), 'indexes': [Index(fields=['member_id', 'activity', 'day'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Campaign',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='campaigns', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=100)),
                ('points_multiplier', fields.CharField(default='1', max_length=8)),
                ('growth_multiplier', fields.CharField(default='1', max_length=8)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField()),
                ('weekdays', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('store_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('tier_levels', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('member_tags', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('priority', fields.IntField(default=0)),
                ('active', fields.BooleanField(default=True)),
                ('created_by', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'campaign', 'app': 'loyalty', 'indexes': [Index(fields=['brand_id', 'ends_on'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ChannelOrder',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='channel_orders', on_delete=OnDelete.RESTRICT)),
                ('channel', fields.CharField(max_length=16)),
                ('external_id', fields.CharField(max_length=64)),
                ('phone', fields.CharField(max_length=20)),
                ('amount_minor', fields.BigIntField()),
                ('refunded_minor', fields.BigIntField(default=0)),
                ('paid_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('store_id', fields.BigIntField(null=True)),
                ('status', fields.CharEnumField(description='ACCEPTED: ACCEPTED\nPENDING: PENDING\nCLAIMED: CLAIMED', enum_type=ChannelOrderStatus, max_length=8)),
                ('member_id', fields.BigIntField(null=True)),
                ('purchase_id', fields.BigIntField(null=True)),
                ('pending_earned', fields.BigIntField(default=0)),
                ('pending_reversed', fields.BigIntField(default=0)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('rule_version', fields.IntField(null=True)),
                ('campaign_id', fields.BigIntField(null=True)),
                ('batch', fields.CharField(max_length=32)),
                ('imported_by', fields.CharField(max_length=64)),
                ('claimed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'channel_order', 'app': 'loyalty', 'unique_together': (('brand', 'channel', 'external_id'),), 'indexes': [Index(fields=['brand_id', 'phone', 'status'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CheckIn',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='check_ins', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='check_ins', on_delete=OnDelete.RESTRICT)),
                ('day', fields.DateField()),
                ('store_id', fields.BigIntField(null=True)),
                ('streak', fields.IntField()),
                ('points', fields.BigIntField()),
                ('bonus', fields.BigIntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'check_in', 'app': 'loyalty', 'unique_together': (('member', 'day'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EngagementSettings',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.OneToOneField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='engagement_settings', on_delete=OnDelete.RESTRICT)),
                ('streak_days', fields.IntField(default=7)),
                ('streak_bonus', fields.IntField(default=0)),
                ('expiry_reminder_days', fields.IntField(default=7)),
                ('campaign_rule', fields.CharEnumField(default=CampaignRule.HIGHEST, description='HIGHEST: HIGHEST\nPRIORITY: PRIORITY', enum_type=CampaignRule, max_length=16)),
                ('webhook_url', fields.CharField(null=True, max_length=500)),
                ('webhook_secret', fields.CharField(null=True, max_length=128)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'engagement_settings', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberTag',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='member_tags', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='tags', on_delete=OnDelete.RESTRICT)),
                ('tag', fields.CharField(max_length=32)),
                ('store_id', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member_tag', 'app': 'loyalty', 'unique_together': (('member', 'tag'),), 'indexes': [Index(fields=['brand_id', 'tag'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.RESTRICT)),
                ('member_id', fields.BigIntField(null=True)),
                ('kind', fields.CharField(max_length=32)),
                ('unique_key', fields.CharField(max_length=128)),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('status', fields.CharEnumField(default=NotificationStatus.PENDING, description='PENDING: PENDING\nSENT: SENT\nFAILED: FAILED', enum_type=NotificationStatus, max_length=8)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(default='', max_length=500)),
                ('sender', fields.CharField(default='', max_length=16)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'notification', 'app': 'loyalty', 'unique_together': (('brand', 'unique_key'),), 'indexes': [Index(fields=['status', 'next_attempt_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Post',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='posts', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='posts', on_delete=OnDelete.RESTRICT)),
                ('store_id', fields.BigIntField(null=True)),
                ('text', fields.CharField(max_length=2000)),
                ('image_urls', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('tags', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('hidden', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'post', 'app': 'loyalty', 'indexes': [Index(fields=['brand_id', 'store_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PostComment',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='post_comments', on_delete=OnDelete.RESTRICT)),
                ('post', fields.ForeignKeyField('loyalty.Post', source_field='post_id', db_constraint=True, to_field='id', related_name='comments', on_delete=OnDelete.RESTRICT)),
                ('member', fields.ForeignKeyField('loyalty.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='post_comments', on_delete=OnDelete.RESTRICT)),
                ('text', fields.CharField(max_length=1000)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'post_comment', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Referral',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('brand', fields.ForeignKeyField('loyalty.Brand', source_field='brand_id', db_constraint=True, to_field='id', related_name='referral_rewards', on_delete=OnDelete.RESTRICT)),
                ('referee', fields.OneToOneField('loyalty.Member', source_field='referee_id', db_constraint=True, to_field='id', related_name='referral_reward', on_delete=OnDelete.RESTRICT)),
                ('referrer_id', fields.BigIntField()),
                ('purchase_id', fields.BigIntField()),
                ('points', fields.BigIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'referral_reward', 'app': 'loyalty', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        # State only: a real AlterField rebuilds the table on SQLite without its UNIQUE constraints.
        AlterFieldState(
            model_name='PointsLedgerEntry',
            name='kind',
            field=fields.CharEnumField(description='EARN: EARN\nREDEEM: REDEEM\nEXPIRE: EXPIRE\nADJUST: ADJUST\nREVERSE: REVERSE\nRETURN: RETURN\nACTIVITY: ACTIVITY', enum_type=LedgerKind, max_length=8),
        ),
        ops.AddField(
            model_name='PointsLedgerEntry',
            name='campaign_id',
            field=fields.BigIntField(null=True),
        ),
    ]
