from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('notices', '0010_wecom_delivery'), ('villages', '0004_wecom_channels')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MpMessageClaim',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=200)),
                ('reply', fields.TextField(null=True, unique=False)),
                ('lease_until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'mp_message_claim', 'app': 'notices', 'pk_attr': 'key', 'table_description': 'A callback message claimed once across all web processes, with its reply.'},
            bases=['Model'],
        ),
    ]
