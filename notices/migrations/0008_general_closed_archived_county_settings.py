from tortoise import migrations
from tortoise.migrations import operations as ops
from notices.models import NoticeKind, NoticeState
from tortoise import fields
from villages.migration_ops import AlterEnumDescription

class Migration(migrations.Migration):
    dependencies = [('notices', '0007_finance_board'), ('villages', '0002_mp_follower')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CountySetting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=60)),
                ('value', fields.CharField(max_length=500)),
                ('updated_by', fields.CharField(max_length=50)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'county_setting', 'app': 'notices', 'pk_attr': 'id', 'table_description': "Current value of one county setting, each change audited with before and after."},
            bases=['Model'],
        ),
        AlterEnumDescription(
            model_name='Notice',
            name='kind',
            field=fields.CharEnumField(description='PAYOUT_VILLAGE: payout_village\nPAYOUT_SUMMARY: payout_summary\nFINANCE_VILLAGE: finance_village\nGENERAL: general', enum_type=NoticeKind, max_length=30),
        ),
        AlterEnumDescription(
            model_name='Notice',
            name='state',
            field=fields.CharEnumField(default=NoticeState.DRAFT, description='DRAFT: draft\nIN_REVIEW: in_review\nAPPROVED: approved\nPUBLISHED: published\nWITHDRAWN: withdrawn\nCLOSED: closed\nARCHIVED: archived', enum_type=NoticeState, max_length=20),
        ),
    ]
