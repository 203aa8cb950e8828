"""County settings that clerks change at run time (not deployment settings: those are
environment variables in bot/settings.py)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class CountySetting(Model):
    """Current value of one county setting, each change audited with before and after."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=60, unique=True)
    value = fields.CharField(max_length=500)
    updated_by = fields.CharField(max_length=50)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "county_setting"
