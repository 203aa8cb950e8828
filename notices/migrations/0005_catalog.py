from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('notices', '0004_calendar'), ('villages', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CatalogItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=20)),
                ('domain', fields.CharField(max_length=30)),
                ('name', fields.CharField(max_length=100)),
                ('content', fields.CharField(max_length=300)),
                ('basis', fields.CharField(max_length=300)),
                ('time_limit', fields.CharField(max_length=100)),
                ('limit_days', fields.IntField()),
                ('limit_kind', fields.CharField(max_length=10)),
                ('subject', fields.CharField(max_length=100)),
                ('method', fields.CharField(max_length=30)),
                ('channels', fields.CharField(max_length=200)),
                ('audience', fields.CharField(max_length=50)),
                ('level', fields.CharField(max_length=10)),
                ('edited_by', fields.CharField(default='', max_length=50)),
            ],
            options={'table': 'catalog_item', 'app': 'notices', 'pk_attr': 'id', 'table_description': 'One catalog item with its elements: 名称 内容 依据 时限 主体 方式 渠道 公开对象.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Program',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=100)),
                ('item', fields.ForeignKeyField('notices.CatalogItem', source_field='item_id', db_constraint=True, to_field='id', related_name='programs', on_delete=OnDelete.RESTRICT)),
                ('standard', fields.CharField(default='', max_length=100)),
                ('unit', fields.CharField(default='', max_length=20)),
                ('funding', fields.CharField(default='', max_length=50)),
                ('profile', fields.CharField(default='standard', max_length=12)),
            ],
            options={'table': 'program', 'app': 'notices', 'pk_attr': 'id', 'table_description': 'A payout program and how its notices are shown (masking profile).'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Notice',
            name='catalog_item',
            field=fields.ForeignKeyField('notices.CatalogItem', source_field='catalog_item_id', null=True, db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.RESTRICT),
        ),
    ]
