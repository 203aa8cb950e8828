"""Time limits in natural days or Chinese working days (DESIGN §2).

Working days follow the State Council schedule: weekends, public holidays and 调休 workdays.
``chinese-calendar`` knows the years up to its release; for a later year the county enters
the schedule (``cunwu calendar import``). A deadline that reaches into a year nobody has
entered is refused with the year named — never guessed from weekdays alone. Every deadline
says which calendar produced it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta
from importlib.metadata import version as package_version

import chinese_calendar
from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.lifecycle.calendar_models import CalendarDay, CalendarYear
from villages.errors import InvalidInput
from villages.models import Role, Staff
from villages.services import check_role

LIBRARY = f"chinese-calendar {package_version('chinese-calendar')}"
_KINDS = {"休": False, "假": False, "holiday": False, "班": True, "workday": True}


class CalendarMissing(InvalidInput):
    code = "calendar_missing"


@dataclass(frozen=True)
class Deadline:
    due: date
    calendar: str          # which calendar(s) produced it, e.g. "chinese-calendar 1.11.0"
    working_days: bool

    def as_dict(self) -> dict[str, object]:
        return {"due": self.due.isoformat(), "calendar": self.calendar,
                "working_days": self.working_days}


class WorkdayCalendar:
    """Answers "is this a workday?" from the county's entries, else the library."""

    def __init__(self, entered: dict[int, str], days: dict[date, bool]) -> None:
        self.entered, self.days = entered, days
        self.used: set[str] = set()

    @classmethod
    async def load(cls) -> WorkdayCalendar:
        entered = {y.year: f"县录入{y.year}年（{y.source}）" for y in await CalendarYear.all()}
        # A few dozen special days per entered year: load them all.
        days = {d.day: d.is_workday for d in await CalendarDay.all() if d.day.year in entered}
        return cls(entered, days)

    def is_workday(self, day: date) -> bool:
        if day.year in self.entered:
            self.used.add(self.entered[day.year])
            return self.days.get(day, day.weekday() < 5)
        try:
            answer = chinese_calendar.is_workday(day)
        except NotImplementedError:
            raise CalendarMissing(
                f"{day.year}年的节假日安排还没有录入，不能计算工作日期限；请县政务公开办按国务院办公厅"
                f"通知用 cunwu calendar import 录入{day.year}年安排", details={"year": day.year}
            ) from None
        self.used.add(LIBRARY)
        return answer

    def add_working_days(self, start: date, days: int) -> Deadline:
        """The ``days``-th workday after ``start`` (the day itself does not count)."""
        self.used = set()
        day, left = start, days
        while left > 0:
            day += timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return Deadline(day, " + ".join(sorted(self.used)) or LIBRARY, True)


def add_natural_days(start: date, days: int) -> Deadline:
    return Deadline(start + timedelta(days=days), "自然日", False)


def read_schedule(text: str, year: int) -> dict[date, tuple[bool, str]]:
    """CSV rows of date, 休|班, name (only the days that differ from the weekday rule)."""
    out: dict[date, tuple[bool, str]] = {}
    problems = []
    for line_no, row in enumerate(csv.reader(io.StringIO(text.lstrip("\ufeff"))), start=1):
        if not row or not row[0].strip() or row[0].strip() in ("date", "日期"):
            continue
        try:
            day = date.fromisoformat(row[0].strip())
            kind = _KINDS[(row[1] if len(row) > 1 else "").strip()]
        except (ValueError, KeyError):
            problems.append({"row": line_no, "value": ",".join(row)[:50],
                             "message": "每行写：日期(2027-01-01),休或班,名称"})
            continue
        if day.year != year:
            problems.append({"row": line_no, "value": row[0], "message": f"不是{year}年的日期"})
            continue
        out[day] = (kind, (row[2] if len(row) > 2 else "").strip()[:50])
    if problems:
        raise InvalidInput(f"节假日安排有 {len(problems)} 处问题，未录入", details=problems)
    if not any(not workday for workday, _ in out.values()):
        raise InvalidInput(f"{year}年的安排里没有一个放假日，请核对文件")
    return out


async def import_schedule(text: str, year: int, source: str, actor: Staff) -> int:
    """Enter (or replace) a year's schedule; returns how many special days it has."""
    check_role(actor, Role.COUNTY_ADMIN)
    if not source.strip():
        raise InvalidInput("请写明依据（--source），如：国务院办公厅关于2027年部分节假日安排的通知")
    days = read_schedule(text, year)
    async with in_transaction():
        await CalendarDay.filter(day__gte=date(year, 1, 1), day__lte=date(year, 12, 31)).delete()
        await CalendarYear.filter(year=year).delete()
        await CalendarDay.bulk_create([CalendarDay(day=d, is_workday=w, name=n)
                                       for d, (w, n) in sorted(days.items())])
        await CalendarYear.create(year=year, source=source.strip()[:200], entered_by=actor.name)
        await record_event(actor.name, "calendar_import", f"calendar:{year}",
                           {"source": source, "days": len(days)})
    return len(days)
