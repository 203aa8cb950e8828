from tortoise import migrations
from tortoise.migrations import operations as ops
from villages.models import ChannelKind
from tortoise import fields
from villages.migration_ops import AlterEnumDescription

class Migration(migrations.Migration):
    dependencies = [('villages', '0003_staff_sessions')]

    initial = False

    operations = [
        AlterEnumDescription(
            model_name='ChannelTarget',
            name='kind',
            field=fields.CharEnumField(description='WECOM_ROBOT: wecom_robot\nWECOM_CUSTOMER_GROUP: wecom_customer_group\nWECHAT_GROUP: wechat_group', enum_type=ChannelKind, max_length=20),
        ),
    ]
