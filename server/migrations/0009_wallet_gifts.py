from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0008_audit_trail')]

    initial = False

    operations = [
        ops.AddField(
            model_name='PaidMembershipPlan',
            name='coupon_template_ids',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
        ops.AddField(
            model_name='TopUpPlan',
            name='gift_card_template',
            field=fields.ForeignKeyField('loyalty.GiftCardTemplate', source_field='gift_card_template_id', null=True, db_constraint=True, to_field='id', related_name='top_up_plans', on_delete=OnDelete.RESTRICT),
        ),
        ops.AddField(
            model_name='TopUpPlan',
            name='gift_coupon_template_ids',
            field=fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
