from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0013_reports')]

    initial = False

    operations = [
        ops.AddField(
            model_name='GuestSales',
            name='earlier_reports',
            field=fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
