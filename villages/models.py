"""Regions (county → township → village), staff and the channel targets of each village."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Level(StrEnum):
    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"


class Role(StrEnum):
    COUNTY_ADMIN = "county_admin"
    TOWNSHIP_CLERK = "township_clerk"
    TOWNSHIP_REVIEWER = "township_reviewer"
    VILLAGE_CADRE = "village_cadre"
    VILLAGE_SUPERVISOR = "village_supervisor"


class ChannelKind(StrEnum):
    WECOM_ROBOT = "wecom_robot"
    WECOM_CUSTOMER_GROUP = "wecom_customer_group"  # a cadre's WeCom customer groups
    WECHAT_GROUP = "wechat_group"  # an ordinary WeChat group: forwarded by hand


class Vetting(StrEnum):
    """Whether staff stand behind a channel target. Staff register targets confirmed; a
    WeChat group first named by whoever holds a forward-pack link waits for a cadre or clerk
    to confirm it: until then it gets no pack of later notices and its name is not shown
    on the public consistency page."""

    CONFIRMED = "confirmed"
    PENDING = "pending"
    REJECTED = "rejected"


class Region(Model):
    """One unit of the 统计用区划代码 tree. Its code is the stable 12-digit code."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=12, unique=True)
    name = fields.CharField(max_length=100)
    level = fields.CharEnumField(Level, max_length=10)
    parent: fields.ForeignKeyNullableRelation[Region] = fields.ForeignKeyField(
        "villages.Region", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    # 监督电话 printed on every board page of this township's notices.
    supervision_phone = fields.CharField(max_length=30, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "region"
        indexes = (("parent_id", "level"),)

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Staff(Model):
    """A person who acts in Cunwu. The scope bounds what they may see and do."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=50, unique=True)
    display_name = fields.CharField(max_length=50, default="")
    role = fields.CharEnumField(Role, max_length=20)
    scope: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "villages.Region", related_name="staff", on_delete=fields.RESTRICT
    )
    password_hash = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff"


class ChannelTarget(Model):
    """A place a village's notices are delivered to, e.g. the cadres' WeCom group robot.

    ``address`` is the platform's credential for the place (a robot webhook key): a secret,
    never logged or shown in full.
    """
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    region: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "villages.Region", related_name="channel_targets", on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(ChannelKind, max_length=20)
    name = fields.CharField(max_length=100)
    address = fields.CharField(max_length=200)
    active = fields.BooleanField(default=True)
    # db_default too: SQLite adds a NOT NULL column to a table with rows only with a DEFAULT.
    vetting = fields.CharEnumField(Vetting, max_length=10, default=Vetting.CONFIRMED,
                                   db_default=Vetting.CONFIRMED)
    created_at = fields.DatetimeField(auto_now_add=True)

    @property
    def takes_deliveries(self) -> bool:
        """Whether rows already queued for it may still go out: not once staff disabled or
        rejected it. A WeChat group waiting to be confirmed is inactive (it gets no pack of
        a later notice) yet still gets the corrections of what it got."""
        return self.active or self.vetting == Vetting.PENDING

    class Meta:
        table = "channel_target"
        unique_together = (("region", "kind", "address"),)


class MpFollower(Model):
    """A villager following the official account (公众号), by openid, and the village they
    bound to. ``village`` is empty until they name it."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    openid = fields.CharField(max_length=64, unique=True)
    village: fields.ForeignKeyNullableRelation[Region] = fields.ForeignKeyField(
        "villages.Region", related_name="mp_followers", null=True, on_delete=fields.SET_NULL
    )
    subscribed = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "mp_follower"

