from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from villages.models import ChannelKind, Level, Role
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Region',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=12)),
                ('name', fields.CharField(max_length=100)),
                ('level', fields.CharEnumField(description='PROVINCE: province\nCITY: city\nCOUNTY: county\nTOWNSHIP: township\nVILLAGE: village', enum_type=Level, max_length=10)),
                ('parent', fields.ForeignKeyField('villages.Region', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT)),
                ('supervision_phone', fields.CharField(default='', max_length=30)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'region', 'app': 'villages', 'indexes': [Index(fields=['parent_id', 'level'])], 'pk_attr': 'id', 'table_description': 'One unit of the 统计用区划代码 tree. Its code is the stable 12-digit code.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ChannelTarget',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('region', fields.ForeignKeyField('villages.Region', source_field='region_id', db_constraint=True, to_field='id', related_name='channel_targets', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='WECOM_ROBOT: wecom_robot', enum_type=ChannelKind, max_length=20)),
                ('name', fields.CharField(max_length=100)),
                ('address', fields.CharField(max_length=200)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'channel_target', 'app': 'villages', 'unique_together': (('region', 'kind', 'address'),), 'pk_attr': 'id', 'table_description': "A place a village's notices are delivered to, e.g. the cadres' WeCom group robot."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Staff',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=50)),
                ('display_name', fields.CharField(default='', max_length=50)),
                ('role', fields.CharEnumField(description='COUNTY_ADMIN: county_admin\nTOWNSHIP_CLERK: township_clerk\nTOWNSHIP_REVIEWER: township_reviewer\nVILLAGE_CADRE: village_cadre\nVILLAGE_SUPERVISOR: village_supervisor', enum_type=Role, max_length=20)),
                ('scope', fields.ForeignKeyField('villages.Region', source_field='scope_id', db_constraint=True, to_field='id', related_name='staff', on_delete=OnDelete.RESTRICT)),
                ('password_hash', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'staff', 'app': 'villages', 'pk_attr': 'id', 'table_description': 'A person who acts in Cunwu. The scope bounds what they may see and do.'},
            bases=['Model'],
        ),
    ]
