from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('notices', '0005_catalog'), ('villages', '0002_mp_follower')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ColumnMapping',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('county', fields.ForeignKeyField('villages.Region', source_field='county_id', db_constraint=True, to_field='id', related_name='column_mappings', on_delete=OnDelete.RESTRICT)),
                ('signature', fields.CharField(max_length=64)),
                ('headers', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('mapping', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_by', fields.ForeignKeyField('villages.Staff', source_field='created_by_id', db_constraint=True, to_field='id', related_name='column_mappings', on_delete=OnDelete.RESTRICT)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'column_mapping', 'app': 'notices', 'unique_together': (('county', 'signature'),), 'pk_attr': 'id', 'table_description': 'A column layout a clerk confirmed once for the county, found again by the signature'},
            bases=['Model'],
        ),
    ]
