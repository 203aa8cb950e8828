"""Holiday schedules the county enters for years chinese-calendar does not cover yet."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class CalendarYear(Model):
    """A year whose whole schedule (holidays and 调休 workdays) has been entered."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    year = fields.IntField(unique=True)
    source = fields.CharField(max_length=200)     # e.g. 国务院办公厅关于2027年部分节假日安排的通知
    entered_by = fields.CharField(max_length=50)
    entered_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "calendar_year"


class CalendarDay(Model):
    """A day that differs from the weekday rule: a holiday on a weekday, or a 调休 workday."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    day = fields.DateField(unique=True)
    is_workday = fields.BooleanField()
    name = fields.CharField(max_length=50, default="")

    class Meta:
        table = "calendar_day"
