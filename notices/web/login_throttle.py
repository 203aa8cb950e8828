"""The sign-in throttle: an attempt is counted *before* its password is checked.

Counting after the check let a burst through: 40 concurrent wrong passwords all read "4
failures so far", all went on to argon2, and the lock came too late. Here each attempt first
takes one unit of the key's budget with a single conditional UPDATE (``failures < limit``),
which the database applies one row at a time on SQLite and PostgreSQL alike, so at most
``limit`` attempts per window ever reach the password check. A right password gives its unit
back (the account's row is cleared, the address gets one back).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from villages.auth_models import LoginThrottle

WINDOW = timedelta(minutes=15)
LOCK = timedelta(minutes=15)


async def _start_fresh_window(key: str, now: datetime) -> None:
    """Make sure the key has a row, and start over when its lock has passed or, unlocked, its
    first failure is older than the window. The conditions make the reset happen once: a
    concurrent second reset finds the row already unlocked and dated now, and leaves it."""
    stale = Q(locked_until__lte=now) | (
        Q(locked_until__isnull=True) & Q(first_failed_at__lt=now - WINDOW))
    await LoginThrottle.filter(Q(key=key) & stale).update(
        failures=0, first_failed_at=now, locked_until=None)
    if not await LoginThrottle.filter(key=key).exists():
        try:
            async with in_transaction():  # a savepoint inside an outer transaction
                await LoginThrottle.create(key=key, failures=0, first_failed_at=now)
        except IntegrityError:
            pass  # a concurrent attempt made it first; its row is just as good


async def take_attempt(key: str, limit: int, now: datetime) -> bool:
    """Count one attempt against ``key``; False (nothing counted) when its budget is spent."""
    await _start_fresh_window(key, now)
    taken = await LoginThrottle.filter(key=key, failures__lt=limit).update(
        failures=F("failures") + 1)
    if not taken:
        return False
    # The attempt that spends the last unit starts the lock; later ones leave it as it is.
    await LoginThrottle.filter(key=key, failures__gte=limit, locked_until__isnull=True).update(
        locked_until=now + LOCK)
    return True


async def give_back(key: str) -> None:
    """Return one unit, for an attempt that was not a guess after all."""
    await LoginThrottle.filter(key=key, failures__gt=0).update(failures=F("failures") - 1)


async def forget(key: str) -> None:
    """The account's owner got in: their earlier typing mistakes no longer count."""
    await LoginThrottle.filter(key=key).delete()
