"""Staff sign-in for the web console: argon2 passwords, server-side sessions, a throttle.

Every attempt, good or bad, is an audit event (never with the password). After
``MAX_FAILURES`` failed attempts on one account within ``WINDOW`` the account is locked for
``LOCK``; a client address gets ``MAX_ADDRESS_FAILURES`` before it is locked, so guessing
across many accounts from one place is slowed down too.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from tortoise.transactions import in_transaction

from notices.audit import record_event
from villages.auth_models import ApiToken, LoginThrottle, StaffSession
from villages.errors import CunwuError, InvalidInput
from villages.models import Staff

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the account doesn't exist, so a wrong name takes as long as a
    wrong password and the timing doesn't tell which accounts exist. Made on first use, not
    at import: every command that merely imports this module would pay 0.2 s for it."""
    return _hasher.hash("cunwu-no-such-account")


class LoginRefused(CunwuError):
    status = 401
    code = "login_refused"


class TooManyAttempts(CunwuError):
    status = 429
    code = "too_many_attempts"


@dataclass(frozen=True)
class SignedIn:
    staff: Staff
    token: str  # the cookie value; only its SHA-256 is stored
    csrf_token: str
    expires_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password_strength(password: str) -> None:
    if len(password) < 10:
        raise InvalidInput("密码至少10位")
    if password.isdigit() or password.isalpha():
        raise InvalidInput("密码需同时包含字母和数字（或其他符号）")


async def set_password(name: str, password: str, actor: str) -> None:
    """Set a staff member's password (argon2id hash) and end their sessions."""
    check_password_strength(password)
    staff = await Staff.get_or_none(name=name)
    if staff is None:
        raise InvalidInput(f"没有名为“{name}”的用户")
    async with in_transaction():
        staff.password_hash = _hasher.hash(password)
        await staff.save(update_fields=["password_hash"])
        await StaffSession.filter(staff=staff).delete()
        await record_event(actor, "set_password", f"staff:{staff.name}")


async def _locked(key: str, now: datetime) -> bool:
    row = await LoginThrottle.get_or_none(key=key)
    return bool(row and row.locked_until and row.locked_until > now)


async def _count_failure(key: str, limit: int, now: datetime) -> None:
    row = await LoginThrottle.get_or_none(key=key)
    if row is None:
        await LoginThrottle.create(key=key, failures=1, first_failed_at=now)
        return
    if now - row.first_failed_at > WINDOW:
        row.failures, row.first_failed_at, row.locked_until = 0, now, None
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + LOCK
    await row.save()


async def log_in(name: str, password: str, *, remote: str, hours: int) -> SignedIn:
    """A new session for the staff member, or LoginRefused / TooManyAttempts."""
    name, remote = name.strip()[:50], remote[:64]
    now = _now()
    keys = (f"name:{name}", f"addr:{remote}")
    if await _locked(keys[0], now) or await _locked(keys[1], now):
        await record_event(name or "-", "login_throttled", f"staff:{name}", {"remote": remote})
        raise TooManyAttempts(f"登录失败次数过多，请{LOCK.seconds // 60}分钟后再试")
    staff = await Staff.get_or_none(name=name).prefetch_related("scope") if name else None
    stored = staff.password_hash if staff and staff.password_hash else _dummy_hash()
    try:
        ok = _hasher.verify(stored, password) and staff is not None and bool(staff.password_hash)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or staff is None:
        async with in_transaction():
            await _count_failure(keys[0], MAX_FAILURES, now)
            await _count_failure(keys[1], MAX_ADDRESS_FAILURES, now)
            await record_event(name or "-", "login_failed", f"staff:{name}", {"remote": remote})
        raise LoginRefused("用户名或密码不对")
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    expires = now + timedelta(hours=hours)
    async with in_transaction():
        if _hasher.check_needs_rehash(staff.password_hash):
            staff.password_hash = _hasher.hash(password)
            await staff.save(update_fields=["password_hash"])
        await LoginThrottle.filter(key=keys[0]).delete()
        await StaffSession.filter(staff=staff, expires_at__lt=now).delete()
        await StaffSession.create(token_sha256=token_digest(token), staff=staff,
                                  csrf_token=csrf, remote=remote, expires_at=expires)
        await record_event(staff.name, "login", f"staff:{staff.name}", {"remote": remote})
    return SignedIn(staff, token, csrf, expires)


async def session_of(token: str) -> StaffSession | None:
    """The live session behind a cookie value, with its staff and their scope."""
    if not token or len(token) > 100:
        return None
    found = await StaffSession.get_or_none(token_sha256=token_digest(token)).prefetch_related(
        "staff__scope")
    if found is None or found.expires_at <= _now():
        return None
    return found


async def log_out(session: StaffSession) -> None:
    async with in_transaction():
        await StaffSession.filter(id=session.id).delete()
        await record_event(session.staff.name, "logout", f"staff:{session.staff.name}")


async def issue_api_token(name: str, actor: str) -> str:
    """A new import-API token for the staff member (the old one stops working). Shown once."""
    staff = await Staff.get_or_none(name=name)
    if staff is None:
        raise InvalidInput(f"没有名为“{name}”的用户")
    token = "cw_" + secrets.token_urlsafe(32)
    async with in_transaction():
        await ApiToken.filter(staff=staff).delete()
        await ApiToken.create(staff=staff, token_sha256=token_digest(token))
        await record_event(actor, "issue_api_token", f"staff:{staff.name}")
    return token


async def staff_for_api_token(token: str) -> Staff | None:
    if not token.startswith("cw_") or len(token) > 100:
        return None
    found = await ApiToken.get_or_none(token_sha256=token_digest(token)).prefetch_related(
        "staff__scope")
    return found.staff if found else None
