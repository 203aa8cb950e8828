from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from notices.models import DeliveryState, NoticeKind, NoticeState, VersionStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True
    # Added by hand: the autodetector (tortoise 1.1.9) left out this cross-app dependency.
    dependencies = [("villages", "0001_initial")]

    operations = [
        ops.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('actor', fields.CharField(max_length=50)),
                ('action', fields.CharField(max_length=50)),
                ('subject', fields.CharField(max_length=100)),
                ('detail', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('prev_hash', fields.CharField(max_length=64)),
                ('hash', fields.CharField(unique=True, max_length=64)),
            ],
            options={'table': 'audit_event', 'app': 'notices', 'pk_attr': 'id', 'table_description': 'Append-only, hash-chained record of who did what.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PayoutBatch',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('township', fields.ForeignKeyField('villages.Region', source_field='township_id', db_constraint=True, to_field='id', related_name='payout_batches', on_delete=OnDelete.RESTRICT)),
                ('program', fields.CharField(max_length=100)),
                ('year', fields.IntField()),
                ('period', fields.CharField(default='', max_length=20)),
                ('quantity_unit', fields.CharField(default='', max_length=10)),
                ('rate_unit', fields.CharField(default='', max_length=20)),
                ('row_count', fields.IntField(default=0)),
                ('total_fen', fields.BigIntField(default=0)),
                ('revision', fields.IntField(default=1)),
                ('source_filename', fields.CharField(default='', max_length=255)),
                ('source_sha256', fields.CharField(default='', max_length=64)),
                ('created_by', fields.ForeignKeyField('villages.Staff', source_field='created_by_id', db_constraint=True, to_field='id', related_name='payout_batches', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'payout_batch', 'app': 'notices', 'indexes': [Index(fields=['township_id', 'program', 'year'])], 'pk_attr': 'id', 'table_description': "One program's payouts for one township and period (e.g. 2026 耕地地力保护补贴)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='PAYOUT_VILLAGE: payout_village\nPAYOUT_SUMMARY: payout_summary', enum_type=NoticeKind, max_length=30)),
                ('region', fields.ForeignKeyField('villages.Region', source_field='region_id', db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.RESTRICT)),
                ('batch', fields.ForeignKeyField('notices.PayoutBatch', source_field='batch_id', null=True, db_constraint=True, to_field='id', related_name='notices', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=200)),
                ('state', fields.CharEnumField(default=NoticeState.DRAFT, description='DRAFT: draft\nIN_REVIEW: in_review\nAPPROVED: approved\nPUBLISHED: published\nWITHDRAWN: withdrawn', enum_type=NoticeState, max_length=20)),
                ('draft_content', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('draft_sha256', fields.CharField(max_length=64)),
                ('batch_revision', fields.IntField(default=0)),
                ('author', fields.ForeignKeyField('villages.Staff', source_field='author_id', db_constraint=True, to_field='id', related_name='authored_notices', on_delete=OnDelete.RESTRICT)),
                ('reviewer', fields.ForeignKeyField('villages.Staff', source_field='reviewer_id', null=True, db_constraint=True, to_field='id', related_name='reviewed_notices', on_delete=OnDelete.RESTRICT)),
                ('approved_sha256', fields.CharField(default='', max_length=64)),
                ('reject_reason', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'notice', 'app': 'notices', 'indexes': [Index(fields=['region_id', 'state']), Index(fields=['batch_id', 'kind'])], 'pk_attr': 'id', 'table_description': 'A matter to disclose. Public content lives in versions, this row is the workflow.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NoticeVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('notice', fields.ForeignKeyField('notices.Notice', source_field='notice_id', db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.RESTRICT)),
                ('number', fields.IntField()),
                ('content', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('fingerprint', fields.CharField(unique=True, max_length=64)),
                ('verify_code', fields.CharField(unique=True, max_length=8)),
                ('status', fields.CharEnumField(default=VersionStatus.CURRENT, description='CURRENT: current\nSUPERSEDED: superseded\nWITHDRAWN: withdrawn', enum_type=VersionStatus, max_length=20)),
                ('period_start', fields.DateField()),
                ('period_end', fields.DateField()),
                ('published_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('published_by', fields.ForeignKeyField('villages.Staff', source_field='published_by_id', db_constraint=True, to_field='id', related_name='published_versions', on_delete=OnDelete.RESTRICT)),
                ('pdf_file', fields.CharField(max_length=255)),
            ],
            options={'table': 'notice_version', 'app': 'notices', 'unique_together': (('notice', 'number'),), 'pk_attr': 'id', 'table_description': 'What was published, frozen: every channel renders from exactly this.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Delivery',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.ForeignKeyField('notices.NoticeVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.RESTRICT)),
                ('target', fields.ForeignKeyField('villages.ChannelTarget', source_field='target_id', db_constraint=True, to_field='id', related_name='deliveries', on_delete=OnDelete.RESTRICT)),
                ('state', fields.CharEnumField(default=DeliveryState.PENDING, description='PENDING: pending\nSENDING: sending\nAWAITING_CONFIRMATION: awaiting_confirmation\nDELIVERED: delivered\nFAILED: failed', enum_type=DeliveryState, max_length=25)),
                ('attempts', fields.IntField(default=0)),
                ('steps_done', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('lease_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(default='', max_length=500)),
                ('platform_ids', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('delivered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'delivery', 'app': 'notices', 'unique_together': (('version', 'target'),), 'indexes': [Index(fields=['state', 'next_attempt_at'])], 'pk_attr': 'id', 'table_description': 'Outbox row: one (version, channel target). Written with the publication itself.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PayoutRow',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('batch', fields.ForeignKeyField('notices.PayoutBatch', source_field='batch_id', db_constraint=True, to_field='id', related_name='rows', on_delete=OnDelete.CASCADE)),
                ('village', fields.ForeignKeyField('villages.Region', source_field='village_id', db_constraint=True, to_field='id', related_name='payout_rows', on_delete=OnDelete.RESTRICT)),
                ('row_no', fields.IntField()),
                ('group_name', fields.CharField(default='', max_length=50)),
                ('name', fields.CharField(max_length=100)),
                ('id_cipher', fields.BinaryField()),
                ('id_hash', fields.CharField(db_index=True, max_length=64)),
                ('id_board', fields.CharField(max_length=18)),
                ('quantity', fields.CharField(default='', max_length=20)),
                ('rate_fen', fields.BigIntField(null=True)),
                ('amount_fen', fields.BigIntField()),
                ('bank_cipher', fields.BinaryField(null=True)),
                ('phone_cipher', fields.BinaryField(null=True)),
                ('note', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'payout_row', 'app': 'notices', 'indexes': [Index(fields=['batch_id', 'village_id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
