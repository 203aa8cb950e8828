"""Objections and questions (异议/咨询) villagers raise about a published version."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from villages.models import Staff


class ObjectionStatus(StrEnum):
    OPEN = "open"
    UPHELD = "upheld"          # 异议成立: leads to a correction
    NOT_UPHELD = "not_upheld"  # 异议不成立, with the reason
    ANSWERED = "answered"      # a question, answered


class Objection(Model):
    _no_comments = True  # no source scan at import: see bot/db.py
    id = fields.IntField(primary_key=True)
    # The staff's reference (Y2026000123): in sequence, so it opens nothing by itself; a
    # correction's reason quotes it in public.
    number = fields.CharField(max_length=12, unique=True)
    # SHA-256 of the villager's receipt (80 random bits, shown once when filed): the only
    # key to the objection's page. Null for objections filed before receipts existed.
    receipt_sha256 = fields.CharField(max_length=64, unique=True, null=True)
    # Keyed hash of the official-account follower who filed it: 查询 answers only them.
    openid_hash = fields.CharField(max_length=64, default="", db_index=True)
    version: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "notices.NoticeVersion", related_name="objections", on_delete=fields.RESTRICT
    )
    channel = fields.CharField(max_length=10)               # web | mp | board (by phone/visit)
    text = fields.CharField(max_length=1000)
    # The villager's contact, for the clerk to call back: personal data, stored encrypted and
    # never shown on a public page.
    contact_cipher = fields.BinaryField()
    status = fields.CharEnumField(ObjectionStatus, max_length=12, default=ObjectionStatus.OPEN)
    answer = fields.CharField(max_length=1000, default="")
    answer_public = fields.BooleanField(default=False)
    answered_by: fields.ForeignKeyNullableRelation[Staff] = fields.ForeignKeyField(
        "villages.Staff", related_name="answered_objections", null=True,
        on_delete=fields.RESTRICT
    )
    answered_at = fields.DatetimeField(null=True)
    due_on = fields.DateField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "objection"
        indexes = (("status", "due_on"),)


class ObjectionRate(Model):
    """How many objections one client (a web address or a follower, as a keyed hash) filed
    in its current window: in the database, so every web process counts the same."""
    _no_comments = True  # no source scan at import: see bot/db.py

    key = fields.CharField(max_length=80, primary_key=True)
    window_start = fields.DatetimeField(db_index=True)
    count = fields.IntField(default=0)

    class Meta:
        table = "objection_rate"
