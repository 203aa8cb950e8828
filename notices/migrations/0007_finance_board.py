from tortoise import migrations
from tortoise.migrations import operations as ops
from notices.models import NoticeKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from villages.migration_ops import AlterEnumDescription
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('notices', '0006_column_mapping'), ('villages', '0002_mp_follower')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BoardPosting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.ForeignKeyField('notices.NoticeVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='board_postings', on_delete=OnDelete.RESTRICT)),
                ('region', fields.ForeignKeyField('villages.Region', source_field='region_id', db_constraint=True, to_field='id', related_name='board_postings', on_delete=OnDelete.RESTRICT)),
                ('photo_file', fields.CharField(max_length=128)),
                ('photo_sha256', fields.CharField(max_length=64)),
                ('width', fields.IntField()),
                ('height', fields.IntField()),
                ('posted_by', fields.ForeignKeyField('villages.Staff', source_field='posted_by_id', db_constraint=True, to_field='id', related_name='board_postings', on_delete=OnDelete.RESTRICT)),
                ('posted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'board_posting', 'app': 'notices', 'indexes': [Index(fields=['region_id', 'version_id'])], 'pk_attr': 'id', 'table_description': 'A village cadre posted the board copy of one version and photographed it.'},
            bases=['Model'],
        ),
        AlterEnumDescription(
            model_name='Notice',
            name='kind',
            field=fields.CharEnumField(description='PAYOUT_VILLAGE: payout_village\nPAYOUT_SUMMARY: payout_summary\nFINANCE_VILLAGE: finance_village', enum_type=NoticeKind, max_length=30),
        ),
    ]
