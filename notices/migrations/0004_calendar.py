from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('notices', '0003_objections'), ('villages', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CalendarDay',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField(unique=True)),
                ('is_workday', fields.BooleanField()),
                ('name', fields.CharField(default='', max_length=50)),
            ],
            options={'table': 'calendar_day', 'app': 'notices', 'pk_attr': 'id', 'table_description': 'A day that differs from the weekday rule: a holiday on a weekday, or a 调休 workday.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CalendarYear',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('year', fields.IntField(unique=True)),
                ('source', fields.CharField(max_length=200)),
                ('entered_by', fields.CharField(max_length=50)),
                ('entered_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'calendar_year', 'app': 'notices', 'pk_attr': 'id', 'table_description': 'A year whose whole schedule (holidays and 调休 workdays) has been entered.'},
            bases=['Model'],
        ),
    ]
