"""The standard catalog of disclosure items (公开事项标准目录) and the payout programs."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class CatalogItem(Model):
    """One catalog item with its elements: 名称 内容 依据 时限 主体 方式 渠道 公开对象."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=20, unique=True)
    domain = fields.CharField(max_length=30)                 # one of the 26 pilot domains
    name = fields.CharField(max_length=100)
    content = fields.CharField(max_length=300)
    basis = fields.CharField(max_length=300)                 # 依据
    time_limit = fields.CharField(max_length=100)            # as the catalog words it
    limit_days = fields.IntField()
    limit_kind = fields.CharField(max_length=10)             # working | natural
    subject = fields.CharField(max_length=100)               # 主体
    method = fields.CharField(max_length=30)                 # 方式
    channels = fields.CharField(max_length=200)              # 渠道
    audience = fields.CharField(max_length=50)               # 公开对象
    level = fields.CharField(max_length=10)                  # county | township | village
    edited_by = fields.CharField(max_length=50, default="")  # set when the county edits it

    class Meta:
        table = "catalog_item"


class Program(Model):
    """A payout program and how its notices are shown (masking profile)."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=100, unique=True)
    item: fields.ForeignKeyRelation[CatalogItem] = fields.ForeignKeyField(
        "notices.CatalogItem", related_name="programs", on_delete=fields.RESTRICT
    )
    standard = fields.CharField(max_length=100, default="")
    unit = fields.CharField(max_length=20, default="")
    funding = fields.CharField(max_length=50, default="")
    # standard: name, group, quantity, rate, amount; assistance (低保/特困): name, people, amount
    profile = fields.CharField(max_length=12, default="standard")

    class Meta:
        table = "program"
