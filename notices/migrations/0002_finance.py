from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('notices', '0001_initial'), ('villages', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FinancePeriod',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('village', fields.ForeignKeyField('villages.Region', source_field='village_id', db_constraint=True, to_field='id', related_name='finance_periods', on_delete=OnDelete.RESTRICT)),
                ('period', fields.CharField(max_length=7)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField()),
                ('opening_fen', fields.BigIntField()),
                ('income_fen', fields.BigIntField()),
                ('expense_fen', fields.BigIntField()),
                ('closing_fen', fields.BigIntField()),
                ('entry_count', fields.IntField()),
                ('revision', fields.IntField(default=1)),
                ('source_filename', fields.CharField(default='', max_length=255)),
                ('created_by', fields.ForeignKeyField('villages.Staff', source_field='created_by_id', db_constraint=True, to_field='id', related_name='finance_periods', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('signed_off_by', fields.ForeignKeyField('villages.Staff', source_field='signed_off_by_id', null=True, db_constraint=True, to_field='id', related_name='finance_signoffs', on_delete=OnDelete.RESTRICT)),
                ('signed_off_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('signoff_opinion', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'finance_period', 'app': 'notices', 'unique_together': (('village', 'period'),), 'indexes': [Index(fields=['village_id', 'starts_on'])], 'pk_attr': 'id', 'table_description': "One village's finance disclosure period (a month or a quarter) and its balances."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FinanceEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('period', fields.ForeignKeyField('notices.FinancePeriod', source_field='period_id', db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.CASCADE)),
                ('row_no', fields.IntField()),
                ('booked_on', fields.DateField()),
                ('voucher_no', fields.CharField(max_length=30)),
                ('summary', fields.CharField(max_length=200)),
                ('category', fields.CharField(max_length=10)),
                ('income_fen', fields.BigIntField(default=0)),
                ('expense_fen', fields.BigIntField(default=0)),
                ('handler', fields.CharField(max_length=50)),
                ('approver', fields.CharField(max_length=50)),
                ('note', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'finance_entry', 'app': 'notices', 'indexes': [Index(fields=['period_id', 'row_no'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
