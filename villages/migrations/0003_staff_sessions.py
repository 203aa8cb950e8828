from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('villages', '0002_mp_follower')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('staff', fields.OneToOneField('villages.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='api_token', on_delete=OnDelete.CASCADE)),
                ('token_sha256', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'staff_api_token', 'app': 'villages', 'pk_attr': 'id', 'table_description': "A staff member's token for scripts calling the import API (``Authorization: Bearer``)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoginThrottle',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=120)),
                ('failures', fields.IntField(default=0)),
                ('first_failed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'login_throttle', 'app': 'villages', 'pk_attr': 'id', 'table_description': 'Recent failed logins for one key (an account name or a client address).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StaffSession',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_sha256', fields.CharField(unique=True, max_length=64)),
                ('staff', fields.ForeignKeyField('villages.Staff', source_field='staff_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('csrf_token', fields.CharField(max_length=64)),
                ('remote', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'staff_session', 'app': 'villages', 'pk_attr': 'id', 'table_description': 'A signed-in browser of one staff member, until it expires or they sign out.'},
            bases=['Model'],
        ),
    ]
