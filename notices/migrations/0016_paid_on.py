from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    # 发放时间 of a payout batch, printed on its board ("" = not given). Nullable: SQLite
    # cannot add a NOT NULL column to a table with rows without a default in the DDL.
    dependencies = [('notices', '0015_audit_anchor')]

    initial = False

    operations = [
        ops.AddField(
            model_name='PayoutBatch',
            name='paid_on',
            field=fields.CharField(default='', max_length=10, null=True),
        ),
    ]
