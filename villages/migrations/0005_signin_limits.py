from tortoise import migrations
from tortoise.migrations import operations as ops
from villages.models import Vetting
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('villages', '0004_wecom_channels')]

    initial = False

    operations = [
        ops.AddField(
            model_name='ChannelTarget',
            name='vetting',
            field=fields.CharEnumField(default=Vetting.CONFIRMED, db_default=Vetting.CONFIRMED, description='CONFIRMED: confirmed\nPENDING: pending\nREJECTED: rejected', enum_type=Vetting, max_length=10),
        ),
    ]
