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
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    township: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "villages.Region", related_name="payout_batches", on_delete=fields.RESTRICT
    )
    program = fields.CharField(max_length=100)
    year = fields.IntField()
    period = fields.CharField(max_length=20, default="")  # "" = whole year; "2026-Q3", "2026-05"
    quantity_unit = fields.CharField(max_length=10, default="")
    # 发放时间 (the catalog item names it): "2026-10-09" or "2026-10"; "" = not given, NULL
    # on batches imported before the column existed
    paid_on = fields.CharField(max_length=10, null=True, default="")
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
    _no_comments = True  # no source scan at import: see bot/db.py
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


class FinancePeriod(Model):
    """One village's finance disclosure period (a month or a quarter) and its balances.

    The balance chain is enforced on import: opening = the previous period's closing, and
    closing = opening + income − expense. The supervision committee's sign-off is recorded
    here and is required before the period can be published.
    """
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    village: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "villages.Region", related_name="finance_periods", on_delete=fields.RESTRICT
    )
    period = fields.CharField(max_length=7)   # "2026-10" or "2026-Q3"
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    opening_fen = fields.BigIntField()
    income_fen = fields.BigIntField()
    expense_fen = fields.BigIntField()
    closing_fen = fields.BigIntField()
    entry_count = fields.IntField()
    revision = fields.IntField(default=1)
    source_filename = fields.CharField(max_length=255, default="")
    created_by: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "villages.Staff", related_name="finance_periods", on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    signed_off_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "villages.Staff", related_name="finance_signoffs", null=True, on_delete=fields.RESTRICT
    )
    signed_off_at = fields.DatetimeField(null=True)
    signoff_opinion = fields.CharField(max_length=500, default="")

    class Meta:
        table = "finance_period"
        unique_together = (("village", "period"),)
        indexes = (("village_id", "starts_on"),)


class FinanceEntry(Model):
    _no_comments = True  # no source scan at import: see bot/db.py
    id = fields.BigIntField(primary_key=True)
    period: fields.ForeignKeyRelation[FinancePeriod] = fields.ForeignKeyField(
        "notices.FinancePeriod", related_name="entries", on_delete=fields.CASCADE
    )
    row_no = fields.IntField()
    booked_on = fields.DateField()
    voucher_no = fields.CharField(max_length=30)
    summary = fields.CharField(max_length=200)
    category = fields.CharField(max_length=10)
    income_fen = fields.BigIntField(default=0)
    expense_fen = fields.BigIntField(default=0)
    handler = fields.CharField(max_length=50)
    approver = fields.CharField(max_length=50)
    note = fields.CharField(max_length=200, default="")

    class Meta:
        table = "finance_entry"
        indexes = (("period_id", "row_no"),)


class ColumnMapping(Model):
    """A column layout a clerk confirmed once for the county, found again by the signature
    of its header row, so the same layout imports next time without questions."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    county: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "villages.Region", related_name="column_mappings", on_delete=fields.RESTRICT
    )
    signature = fields.CharField(max_length=64)
    headers = fields.JSONField()  # the header row as written, for the console
    mapping = fields.JSONField()  # header text as written → field ("" = ignore)
    created_by: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "villages.Staff", related_name="column_mappings", on_delete=fields.RESTRICT
    )
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "column_mapping"
        unique_together = (("county", "signature"),)
