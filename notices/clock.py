"""Time in China: the one time zone every date of a notice is counted in.

A 公示期, a deadline and "today" on a village page are Beijing dates, whatever zone the
server runs in. Code asks here instead of calling ``datetime.now`` with a zone of its own,
so there is one place that says what "now" is (tests travel in time around it).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def now_in_china() -> datetime:
    return datetime.now(CHINA)


def today_in_china() -> date:
    return now_in_china().date()
