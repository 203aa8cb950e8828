"""How many objections one client may file (issue §3): one web address, one follower of
the official account. Counted in the ``objection_rate`` table with conditional updates, so
the limit holds however many web processes share the database and however many requests
arrive at once; a clerk recording one by phone is not limited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import F

from notices.objections.models import ObjectionRate
from villages.errors import TooManyRequests


@dataclass(frozen=True)
class Limit:
    count: int
    window: timedelta
    message: str


# Villages share mobile carriers' addresses (CGNAT), so one address gets more room than
# one follower; both are far above what a family with a real doubt files in an hour.
WEB_LIMIT = Limit(10, timedelta(hours=1),
                  "这个网络一小时内已提交了很多条异议，请过一小时再提交；"
                  "急事请拨打公示上的监督电话")
MP_LIMIT = Limit(5, timedelta(hours=1),
                 "您一小时内已提交5条异议，请过一小时再发送；急事请拨打公示上的监督电话")
_KEEP = timedelta(days=1)   # rows idle this long are deleted: no window lasts that long


async def take_slot(key: str, limit: Limit, now: datetime) -> None:
    """Count one objection for ``key``, or refuse with the limit's message. Call it inside
    the transaction that stores the objection: if storing fails, the slot is given back."""
    await ObjectionRate.bulk_create([ObjectionRate(key=key, window_start=now, count=0)],
                                    ignore_conflicts=True)
    # A window that has run out starts again; matched on the old start, so of two
    # processes doing this at once only the first resets it.
    await ObjectionRate.filter(key=key, window_start__lte=now - limit.window).update(
        window_start=now, count=0)
    taken = await ObjectionRate.filter(key=key, count__lt=limit.count).update(
        count=F("count") + 1)
    if not taken:
        raise TooManyRequests(limit.message, details={"limit": limit.count})


async def forget_idle(now: datetime) -> None:
    """Drop the counts of clients idle for a day. Outside the objection's transaction, so
    it never holds locks on other clients' rows while that transaction runs."""
    await ObjectionRate.filter(window_start__lt=now - _KEEP).delete()
