from tortoise import migrations
from tortoise.migrations import operations as ops
from notices.models import NoticeKind, NoticeState
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('notices', '0005_catalog'), ('villages', '0002_mp_follower')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Notice',
            name='kind',
            field=fields.CharEnumField(description='PAYOUT_VILLAGE: payout_village\nPAYOUT_SUMMARY: payout_summary\nGENERAL: general', enum_type=NoticeKind, max_length=30),
        ),
        ops.AlterField(
            model_name='Notice',
            name='state',
            field=fields.CharEnumField(default=NoticeState.DRAFT, description='DRAFT: draft\nIN_REVIEW: in_review\nAPPROVED: approved\nPUBLISHED: published\nWITHDRAWN: withdrawn\nCLOSED: closed\nARCHIVED: archived', enum_type=NoticeState, max_length=20),
        ),
    ]
