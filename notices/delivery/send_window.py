"""A sliding-window rate limit shared by every worker through the database.

WeCom group robots take at most 20 messages a minute each (DESIGN §4). Several workers may
deliver to the same robot, so the window cannot live in one process's memory: it is one row
per robot (``SendWindow``) holding the send times of the last minute. Taking a slot is one
transaction that first *updates* the row - which takes the row lock on PostgreSQL and the
write lock on SQLite, so two workers cannot both read "19 sent" - then prunes and appends.
No Redis: the database every worker already shares is enough at 20 messages a minute.
"""

from __future__ import annotations

import contextlib
import hashlib

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from notices.delivery.models import SendWindow

ROBOT_LIMIT = 20
ROBOT_WINDOW_S = 60.0


def robot_bucket(webhook_key: str) -> str:
    """The window's name for a robot: a hash, so the key itself is never stored twice."""
    return "robot:" + hashlib.sha256(webhook_key.encode()).hexdigest()[:40]


async def take_slot(bucket: str, now: float, *, limit: int = ROBOT_LIMIT,
                    window_s: float = ROBOT_WINDOW_S) -> float:
    """Reserve one send at ``now`` (unix seconds). Returns 0 when reserved, else how many
    seconds until the oldest send in the window leaves it (nothing is reserved then)."""
    if not await SendWindow.exists(bucket=bucket):
        with contextlib.suppress(IntegrityError):  # another worker created it first: fine
            await SendWindow.create(bucket=bucket, sent_at=[])
    async with in_transaction():
        # The no-op UPDATE is the lock; the SELECT after it sees the committed window.
        await SendWindow.filter(bucket=bucket).update(bucket=bucket)
        row = await SendWindow.get(bucket=bucket)
        # Sorted: workers' clocks and commit order differ by a little.
        recent = sorted(t for t in row.sent_at if t > now - window_s)
        if len(recent) >= limit:
            return max(0.01, recent[0] + window_s - now)
        recent.append(now)
        recent.sort()
        await SendWindow.filter(id=row.id).update(sent_at=recent)
    return 0.0
