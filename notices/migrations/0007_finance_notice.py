from tortoise import migrations
from tortoise.migrations import operations as ops
from notices.models import NoticeKind
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('notices', '0005_catalog'), ('villages', '0002_mp_follower')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Notice',
            name='kind',
            field=fields.CharEnumField(description='PAYOUT_VILLAGE: payout_village\nPAYOUT_SUMMARY: payout_summary\nFINANCE_VILLAGE: finance_village', enum_type=NoticeKind, max_length=30),
        ),
    ]
