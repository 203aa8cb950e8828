"""Tables the delivery worker shares across processes: robot send windows, the WeCom access
token, customer-group tasks, forward-pack confirmations, and the proof a board copy was posted.

Kept apart from ``notices.models`` so the outbox row stays small and each table says what it
is for. Every one of them is coordination state that several workers read and write, so it
lives in the database (SQLite or PostgreSQL) rather than in any one process.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from villages.models import Region, Staff


class SendWindow(Model):
    """The send times of the last minute for one rate-limited place (a robot by key hash).

    A worker takes a slot by locking this row, dropping times older than the window and
    appending its own, all in one transaction, so the limit holds across processes.
    """
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    bucket = fields.CharField(max_length=80, unique=True)
    sent_at = fields.JSONField(default=list)  # unix seconds, oldest first
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "send_window"


class WeComToken(Model):
    """The one access token of a WeCom corp app, shared by every process.

    The secret is never stored here. The token is a credential: never logged or shown.
    """
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    account = fields.CharField(max_length=80, unique=True)  # corpid
    token = fields.CharField(max_length=600, default="")
    expires_at = fields.FloatField(default=0.0)  # unix seconds
    fetched_count = fields.IntField(default=0)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "wecom_token"


class CustomerGroupTask(Model):
    """A WeCom group-message task (add_msg_template) waiting for its cadre to tap send."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    delivery = fields.OneToOneField("notices.Delivery", related_name="group_task",
                                    on_delete=fields.CASCADE)
    msgid = fields.CharField(max_length=100, unique=True)
    sender = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)
    reminders = fields.IntField(default=0)
    reminded_at = fields.DatetimeField(null=True)
    confirmed_at = fields.DatetimeField(null=True)
    groups_sent = fields.IntField(default=0)

    class Meta:
        table = "customer_group_task"


class ForwardConfirmation(Model):
    """A cadre's word that they forwarded a notice's pack into one ordinary WeChat group."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    delivery = fields.ForeignKeyField("notices.Delivery", related_name="forward_confirmations",
                                      on_delete=fields.CASCADE)
    forwarded_by = fields.CharField(max_length=50)
    group_name = fields.CharField(max_length=100)
    confirmed_at = fields.DatetimeField()
    client_ip = fields.CharField(max_length=64, default="")

    class Meta:
        table = "forward_confirmation"


class BoardPosting(Model):
    """A village cadre posted the board copy of one version and photographed it."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    version: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "notices.NoticeVersion", related_name="board_postings", on_delete=fields.RESTRICT
    )
    region: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "villages.Region", related_name="board_postings", on_delete=fields.RESTRICT
    )
    # The photo as stored: re-encoded JPEG without EXIF (a phone photo carries GPS).
    photo_file = fields.CharField(max_length=128)
    photo_sha256 = fields.CharField(max_length=64)    # of the file as uploaded
    width = fields.IntField()
    height = fields.IntField()
    posted_by: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "villages.Staff", related_name="board_postings", on_delete=fields.RESTRICT
    )
    posted_at = fields.DatetimeField()

    class Meta:
        table = "board_posting"
        indexes = (("region_id", "version_id"),)
