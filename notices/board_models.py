"""Proof that a notice hangs on a village's board (村务公开栏): a cadre's photo of the posting."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from villages.models import Region, Staff


class BoardPosting(Model):
    """A village cadre posted the board copy of one version and photographed it."""

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
