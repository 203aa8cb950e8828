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
    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=12, unique=True)   # what the villager quotes: Y2026000123
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
