"""Staff sign-in for the web console: argon2 passwords, server-side sessions, a throttle.

Every attempt, good or bad, is an audit event (never with the password). At most
``MAX_FAILURES`` passwords per account are checked within the throttle's window, then the
account is locked for its ``LOCK``; a client address gets ``MAX_ADDRESS_FAILURES``, so
guessing across many accounts from one place is slowed down too. Attempts are counted before
the check, atomically (``login_throttle``), and argon2 runs off the event loop.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.web.login_throttle import LOCK, forget, give_back, take_attempt
from villages.auth_models import ApiToken, StaffSession
from villages.errors import CunwuError, InvalidInput
from villages.models import Staff

MAX_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
_hasher = PasswordHasher()
T = TypeVar("T")


# argon2 takes ~0.2 s of CPU and 64 MiB per hash. On the event loop a burst of logins froze
# every page (/healthz 4 ms → 236 ms); on the default thread pool 30-odd hashes at once would
# take 2 GB. Two threads of their own keep both the loop and the memory free.
_HASH_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="argon2")


async def _in_hash_pool(function: Callable[..., T], *args: str) -> T:
    return await asyncio.get_running_loop().run_in_executor(_HASH_POOL, function, *args)


@functools.cache
def _dummy_hash_now() -> str:
    return _hasher.hash("cunwu-no-such-account")


async def _dummy_hash() -> str:
    """Checked against when the account doesn't exist, so a wrong name takes as long as a
    wrong password and the timing doesn't tell which accounts exist. Made on first use, not
    at import: every command that merely imports this module would pay 0.2 s for it."""
    return await _in_hash_pool(_dummy_hash_now)


async def _record_attempt(action: str, name: str, remote: str) -> None:
    """An audit event of its own: a burst of attempts appends concurrently, and on
    PostgreSQL two appends can race for the chain's head (the loser's insert is refused),
    so the loser tries again on the new head instead of failing the request."""
    for attempt in range(10):
        try:
            async with in_transaction():
                await record_event(name or "-", action, f"staff:{name}", {"remote": remote})
            return
        except IntegrityError:
            if attempt == 9:
                raise


async def _refuse_throttled(name: str, remote: str) -> NoReturn:
    await _record_attempt("login_throttled", name, remote)
    raise TooManyAttempts(f"登录失败次数过多，请{LOCK.seconds // 60}分钟后再试")


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
    password_hash = await _in_hash_pool(_hasher.hash, password)
    async with in_transaction():
        staff.password_hash = password_hash
        await staff.save(update_fields=["password_hash"])
        await StaffSession.filter(staff=staff).delete()
        await record_event(actor, "set_password", f"staff:{staff.name}")


async def _verify(stored: str, password: str) -> bool:
    try:
        return await _in_hash_pool(_hasher.verify, stored, password)
    except (VerificationError, InvalidHashError):
        return False


async def log_in(name: str, password: str, *, remote: str, hours: int) -> SignedIn:
    """A new session for the staff member, or LoginRefused / TooManyAttempts."""
    name, remote = name.strip()[:50], remote[:64]
    now = _now()
    account, address = f"name:{name}", f"addr:{remote}"
    # Counted before the check (see login_throttle); the address first, so an attempt the
    # account's lock stops is handed back to the address and not held against it.
    if not await take_attempt(address, MAX_ADDRESS_FAILURES, now):
        await _refuse_throttled(name, remote)
    if not await take_attempt(account, MAX_FAILURES, now):
        await give_back(address)
        await _refuse_throttled(name, remote)
    staff = await Staff.get_or_none(name=name).prefetch_related("scope") if name else None
    stored = staff.password_hash if staff and staff.password_hash else await _dummy_hash()
    ok = await _verify(stored, password) and staff is not None and bool(staff.password_hash)
    if not ok or staff is None:
        await _record_attempt("login_failed", name, remote)
        raise LoginRefused("用户名或密码不对")
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
    expires = now + timedelta(hours=hours)
    async with in_transaction():
        if _hasher.check_needs_rehash(staff.password_hash):
            staff.password_hash = await _in_hash_pool(_hasher.hash, password)
            await staff.save(update_fields=["password_hash"])
        await forget(account)
        await give_back(address)
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
