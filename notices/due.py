"""What is due or overdue in a township or village: payout batches still without a published
notice (20 working days from when the information formed, i.e. the import), objections
waiting for an answer, and villages whose last month's finance is not in yet."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from notices.deadlines import CalendarMissing, WorkdayCalendar
from notices.ledgers.models import FinancePeriod, PayoutBatch
from notices.lifecycle import CHINA
from notices.models import Notice, NoticeKind, NoticeState
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
    periods = {p.village_id: p for p in await FinancePeriod.filter(
        starts_on__lte=last_month_end, ends_on__gte=last_month_end.replace(day=1))}
    disclosed = {(n.region_id, n.draft_content["finance_period"]["label"])
                 for n in await Notice.filter(kind=NoticeKind.FINANCE_VILLAGE,
                                              state=NoticeState.PUBLISHED)}
    villages = await Region.filter(level=Level.VILLAGE, code__startswith=region_prefix)
    # Only villages that keep their finance in Cunwu at all are held to the monthly rule.
    keeping = set(await FinancePeriod.all().values_list("village_id", flat=True))
    items = []
    for village in villages:
        period = periods.get(village.id)
        if village.id not in keeping or (period and (village.id, period.period) in disclosed):
            continue
        if period is None:
            what = f"{label} 村级财务未导入"
        elif period.signed_off_at is None:
            what = f"{period.period} 村级财务待监督委员会签核，未公开"
        else:
            what = f"{period.period} 村级财务已签核，未公开"
        items.append(DueItem("finance", village.name, what, due.isoformat(),
                             f"每月{FINANCE_DUE_DAY}日前", today > due))
    return items


def items_as_dicts(items: list[DueItem]) -> list[dict[str, object]]:
    return [asdict(i) for i in items]
