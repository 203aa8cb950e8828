from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('notices', '0009_mp_digest'), ('villages', '0002_mp_follower')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CustomerGroupTask',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('delivery', fields.OneToOneField('notices.Delivery', source_field='delivery_id', db_constraint=True, to_field='id', related_name='group_task', on_delete=OnDelete.CASCADE)),
                ('msgid', fields.CharField(unique=True, max_length=100)),
                ('sender', fields.CharField(max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('reminders', fields.IntField(default=0)),
                ('reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('groups_sent', fields.IntField(default=0)),
            ],
            options={'table': 'customer_group_task', 'app': 'notices', 'pk_attr': 'id', 'table_description': 'A WeCom group-message task (add_msg_template) waiting for its cadre to tap send.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ForwardConfirmation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('delivery', fields.ForeignKeyField('notices.Delivery', source_field='delivery_id', db_constraint=True, to_field='id', related_name='forward_confirmations', on_delete=OnDelete.CASCADE)),
                ('forwarded_by', fields.CharField(max_length=50)),
                ('group_name', fields.CharField(max_length=100)),
                ('confirmed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('client_ip', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'forward_confirmation', 'app': 'notices', 'pk_attr': 'id', 'table_description': "A cadre's word that they forwarded a notice's pack into one ordinary WeChat group."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SendWindow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('bucket', fields.CharField(unique=True, max_length=80)),
                ('sent_at', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'send_window', 'app': 'notices', 'pk_attr': 'id', 'table_description': 'The send times of the last minute for one rate-limited place (a robot by key hash).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WeComToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.CharField(unique=True, max_length=80)),
                ('token', fields.CharField(default='', max_length=600)),
                ('expires_at', fields.FloatField(default=0.0)),
                ('fetched_count', fields.IntField(default=0)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'wecom_token', 'app': 'notices', 'pk_attr': 'id', 'table_description': 'The one access token of a WeCom corp app, shared by every process.'},
            bases=['Model'],
        ),
    ]
