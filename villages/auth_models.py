"""Staff web sign-in: server-side sessions and the login throttle.

A session row is found by the SHA-256 of its cookie value, so a copy of the table gives no
one a way in. The throttle counts failed logins per account and per address.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from villages.models import Staff


class StaffSession(Model):
    """A signed-in browser of one staff member, until it expires or they sign out."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    token_sha256 = fields.CharField(max_length=64, unique=True)
    staff: fields.ForeignKeyRelation[Staff] = fields.ForeignKeyField(
        "villages.Staff", related_name="sessions", on_delete=fields.CASCADE
    )
    csrf_token = fields.CharField(max_length=64)
    remote = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "staff_session"


class LoginThrottle(Model):
    """Recent failed logins for one key (an account name or a client address)."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=120, unique=True)
    failures = fields.IntField(default=0)
    first_failed_at = fields.DatetimeField()
    locked_until = fields.DatetimeField(null=True)

    class Meta:
        table = "login_throttle"


class ApiToken(Model):
    """A staff member's token for scripts calling the import API (``Authorization: Bearer``).
    Only its SHA-256 is kept; making a new one replaces the old."""
    _no_comments = True  # no source scan at import: see bot/db.py

    id = fields.IntField(primary_key=True)
    staff: fields.OneToOneRelation[Staff] = fields.OneToOneField(
        "villages.Staff", related_name="api_token", on_delete=fields.CASCADE
    )
    token_sha256 = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff_api_token"
