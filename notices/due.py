"""What is due or overdue in a township or village: payout batches still without a published
notice (20 working days from when the information formed, i.e. the import), objections
waiting for an answer, and villages whose last month's finance is not in yet."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from notices.deadlines import CalendarMissing, WorkdayCalendar
from notices.ledgers.models import FinancePeriod, PayoutBatch
from notices.lifecycle import CHINA
from notices.models import Notice, NoticeState
from notices.objections import open_objections
from villages.models import Level, Region

PAYOUT_WORKING_DAYS = 20
# Monthly finance is disclosed by the 10th of the following month (a common county rule).
FINANCE_DUE_DAY = 10


@dataclass
class DueItem:
    kind: str              # payout_notice | objection | finance
    region: str
    what: str
    due: str | None        # None when the calendar can't say (see problem)
    calendar: str
    overdue: bool
    problem: str = ""


async def due_items(today: date, region_prefix: str = "") -> list[DueItem]:
    calendar = await WorkdayCalendar.load()
    items: list[DueItem] = []
    # A notice that was published counts, whether still up, closed or archived since.
    published = set(await Notice.filter(state__in=(NoticeState.PUBLISHED, NoticeState.CLOSED,
                                                   NoticeState.ARCHIVED))
                    .values_list("batch_id", flat=True))
    batches = PayoutBatch.filter(township__code__startswith=region_prefix).prefetch_related(
        "township")
    for batch in await batches:
        if batch.id in published:
            continue
        formed = batch.created_at.astimezone(CHINA).date()
        what = f"{batch.year}年{batch.program}（批次{batch.id}）未发布公示"
        try:
            deadline = calendar.add_working_days(formed, PAYOUT_WORKING_DAYS)
        except CalendarMissing as exc:
            items.append(DueItem("payout_notice", batch.township.name, what, None, "", False,
                                 exc.message))
            continue
        items.append(DueItem("payout_notice", batch.township.name, what,
                             deadline.due.isoformat(), deadline.calendar, deadline.due < today))
    for objection in await open_objections(region_prefix):
        content = objection.version.content
        items.append(DueItem("objection", content["region"]["name"],
                             f"异议 {objection.number} 待答复：{objection.text[:20]}",
                             objection.due_on.isoformat(), "自然日", objection.due_on < today))
    items += await _finance_due(today, region_prefix)
    return sorted(items, key=lambda i: (not i.overdue, i.due or ""))


async def _finance_due(today: date, region_prefix: str) -> list[DueItem]:
    last_month_end = today.replace(day=1) - timedelta(days=1)
    label = f"{last_month_end.year}-{last_month_end.month:02d}"
    due = date(today.year, today.month, FINANCE_DUE_DAY)
    covered = set(await FinancePeriod.filter(
        starts_on__lte=last_month_end, ends_on__gte=last_month_end.replace(day=1)
    ).values_list("village_id", flat=True))
    villages = await Region.filter(level=Level.VILLAGE, code__startswith=region_prefix)
    # Only villages that keep their finance in Cunwu at all are held to the monthly rule.
    keeping = set(await FinancePeriod.all().values_list("village_id", flat=True))
    return [DueItem("finance", v.name, f"{label} 村级财务未导入/未公开", due.isoformat(),
                    f"每月{FINANCE_DUE_DAY}日前", today > due)
            for v in villages if v.id in keeping and v.id not in covered]


def items_as_dicts(items: list[DueItem]) -> list[dict[str, object]]:
    return [asdict(i) for i in items]
