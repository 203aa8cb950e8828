from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('villages', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MpFollower',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('openid', fields.CharField(unique=True, max_length=64)),
                ('village', fields.ForeignKeyField('villages.Region', source_field='village_id', null=True, db_constraint=True, to_field='id', related_name='mp_followers', on_delete=OnDelete.SET_NULL)),
                ('subscribed', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'mp_follower', 'app': 'villages', 'pk_attr': 'id', 'table_description': 'A villager following the official account (公众号), by openid, and the village they'},
            bases=['Model'],
        ),
    ]
