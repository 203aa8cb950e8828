from tortoise import migrations
from tortoise.migrations import operations as ops
from notices.delivery.mp_models import DigestMode, DigestState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('notices', '0008_general_closed_archived_county_settings'), ('villages', '0002_mp_follower')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MpDigest',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('day', fields.DateField(unique=True)),
                ('mode', fields.CharEnumField(description='MASS: mass\nPUBLISH: publish', enum_type=DigestMode, max_length=10)),
                ('state', fields.CharEnumField(default=DigestState.PENDING, description='PENDING: pending\nSENDING: sending\nAWAITING_CONFIRMATION: awaiting_confirmation\nDELIVERED: delivered\nFAILED: failed', enum_type=DigestState, max_length=25)),
                ('title', fields.CharField(max_length=64)),
                ('content', fields.TextField(unique=False)),
                ('attempts', fields.IntField(default=0)),
                ('steps_done', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(default='', max_length=500)),
                ('thumb_media_id', fields.CharField(default='', max_length=128)),
                ('draft_media_id', fields.CharField(default='', max_length=128)),
                ('msg_id', fields.CharField(default='', max_length=64)),
                ('publish_id', fields.CharField(default='', max_length=64)),
                ('article_url', fields.CharField(default='', max_length=300)),
                ('platform_status', fields.CharField(default='', max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'mp_digest', 'app': 'notices', 'indexes': [Index(fields=['state', 'next_attempt_at'])], 'pk_attr': 'id', 'table_description': "One day's digest on the official account, sent through the same steps as the"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MpDigestItem',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('digest', fields.ForeignKeyField('notices.MpDigest', source_field='digest_id', db_constraint=True, to_field='id', related_name='items', on_delete=OnDelete.CASCADE)),
                ('version', fields.ForeignKeyField('notices.NoticeVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='digest_items', on_delete=OnDelete.RESTRICT)),
            ],
            options={'table': 'mp_digest_item', 'app': 'notices', 'unique_together': (('digest', 'version'),), 'pk_attr': 'id', 'table_description': "A notice version listed in a day's digest."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MpReply',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('openid', fields.CharField(max_length=64)),
                ('text', fields.TextField(unique=False)),
                ('state', fields.CharEnumField(default=DigestState.PENDING, description='PENDING: pending\nSENDING: sending\nAWAITING_CONFIRMATION: awaiting_confirmation\nDELIVERED: delivered\nFAILED: failed', enum_type=DigestState, max_length=25)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'mp_reply', 'app': 'notices', 'indexes': [Index(fields=['state', 'next_attempt_at'])], 'pk_attr': 'id', 'table_description': "An answer the callback could not give within WeChat's 5 seconds, sent afterwards as"},
            bases=['Model'],
        ),
    ]
