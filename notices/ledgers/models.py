"""Payout batches and their rows: the register the 一卡通 export holds.

ID and bank numbers are stored only encrypted (AES-GCM) plus a keyed hash for look-ups and
duplicate checks; the board form of the ID (前6位********后4位) is kept beside them because
notices are built from it.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from villages.models import Region, Staff


class PayoutBatch(Model):
    """One program's payouts for one township and period (e.g. 2026 耕地地力保护补贴)."""

    id = fields.IntField(primary_key=True)
    township: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "villages.Region", related_name="payout_batches", on_delete=fields.RESTRICT
    )
    program = fields.CharField(max_length=100)
    year = fields.IntField()
    period = fields.CharField(max_length=20, default="")  # "" = whole year; "2026-Q3", "2026-05"
    quantity_unit = fields.CharField(max_length=10, default="")
    rate_unit = fields.CharField(max_length=20, default="")
    row_count = fields.IntField(default=0)
    total_fen = fields.BigIntField(default=0)
    # Bumped whenever rows change, so a notice drafted from an older revision is stale.
    revision = fields.IntField(default=1)
    source_filename = fields.CharField(max_length=255, default="")
    source_sha256 = fields.CharField(max_length=64, default="")
    created_by: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "villages.Staff", related_name="payout_batches", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "payout_batch"
        indexes = (("township_id", "program", "year"),)


class PayoutRow(Model):
    id = fields.BigIntField(primary_key=True)
    batch: fields.ForeignKeyRelation[PayoutBatch] = fields.ForeignKeyField(
        "notices.PayoutBatch", related_name="rows", on_delete=fields.CASCADE
    )
    village: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "villages.Region", related_name="payout_rows", on_delete=fields.RESTRICT
    )
    row_no = fields.IntField()          # row in the source sheet, for messages
    group_name = fields.CharField(max_length=50, default="")
    name = fields.CharField(max_length=100)
    id_cipher = fields.BinaryField()
    id_hash = fields.CharField(max_length=64, db_index=True)
    id_board = fields.CharField(max_length=18)  # 前6位********后4位
    quantity = fields.CharField(max_length=20, default="")  # exact decimal text
    rate_fen = fields.BigIntField(null=True)
    amount_fen = fields.BigIntField()
    bank_cipher = fields.BinaryField(null=True)
    phone_cipher = fields.BinaryField(null=True)
    note = fields.CharField(max_length=500, default="")

    class Meta:
        table = "payout_row"
        indexes = (("batch_id", "village_id"),)
