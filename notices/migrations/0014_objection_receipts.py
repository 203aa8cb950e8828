from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('notices', '0012_mp_message_claim'), ('villages', '0004_wecom_channels')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ObjectionRate',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=80)),
                ('window_start', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('count', fields.IntField(default=0)),
            ],
            options={'table': 'objection_rate', 'app': 'notices', 'pk_attr': 'key', 'table_description': 'How many objections one client (a web address or a follower, as a keyed hash) filed'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Objection',
            name='openid_hash',
            field=fields.CharField(default='', db_index=True, max_length=64),
        ),
        ops.AddField(
            model_name='Objection',
            name='receipt_sha256',
            field=fields.CharField(null=True, unique=True, max_length=64),
        ),
    ]
