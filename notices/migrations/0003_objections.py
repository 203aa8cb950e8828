from tortoise import migrations
from tortoise.migrations import operations as ops
from notices.objections.models import ObjectionStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('notices', '0002_immutable_records'), ('villages', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Objection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.CharField(unique=True, max_length=12)),
                ('version', fields.ForeignKeyField('notices.NoticeVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='objections', on_delete=OnDelete.RESTRICT)),
                ('channel', fields.CharField(max_length=10)),
                ('text', fields.CharField(max_length=1000)),
                ('contact_cipher', fields.BinaryField()),
                ('status', fields.CharEnumField(default=ObjectionStatus.OPEN, description='OPEN: open\nUPHELD: upheld\nNOT_UPHELD: not_upheld\nANSWERED: answered', enum_type=ObjectionStatus, max_length=12)),
                ('answer', fields.CharField(default='', max_length=1000)),
                ('answer_public', fields.BooleanField(default=False)),
                ('answered_by', fields.ForeignKeyField('villages.Staff', source_field='answered_by_id', null=True, db_constraint=True, to_field='id', related_name='answered_objections', on_delete=OnDelete.RESTRICT)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('due_on', fields.DateField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'objection', 'app': 'notices', 'indexes': [Index(fields=['status', 'due_on'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
