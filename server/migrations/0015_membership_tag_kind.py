from tortoise import migrations
from tortoise.migrations import operations as ops
from domain.members.models import TagKind
from tortoise import fields

from server.migration_ops import AlterFieldState

class Migration(migrations.Migration):
    dependencies = [('loyalty', '0014_guest_sales_history')]

    initial = False

    operations = [
        # enum choices only: state-only, since a real AlterField rebuilds the SQLite table and drops
        # its UNIQUE constraints (server/migration_ops.py)
        AlterFieldState(
            model_name='MemberTag',
            name='kind',
            field=fields.CharEnumField(default=TagKind.MANUAL, description='MANUAL: MANUAL\nRULE: RULE\nAUTOMATION: AUTOMATION\nMEMBERSHIP: MEMBERSHIP', db_default='MANUAL', enum_type=TagKind, max_length=16),
        ),
    ]
