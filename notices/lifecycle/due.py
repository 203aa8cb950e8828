"""What is due or overdue in a township or village: payout batches still without a published
notice (20 working days from when the information formed, i.e. the import), objections
waiting for an answer, and villages whose last month's or quarter's finance is not disclosed yet."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from notices.clock import CHINA
from notices.county.finance_rhythm import (
    QUARTERLY,
    RHYTHM_ZH,
    last_ended_period,
    rhythm_of_label,
    set_rhythms,
)
from notices.kinds.catalog_models import CatalogItem
from notices.kinds.finance import FINANCE_ITEM
from notices.ledgers.models import FinancePeriod, PayoutBatch
from notices.lifecycle.deadlines import CalendarMissing, WorkdayCalendar, add_natural_days
from notices.models import Notice, NoticeKind, NoticeState
from notices.objections.services import open_objections
from notices.privacy.redaction import mask_personal_numbers
from villages.models import Level, Region

PAYOUT_WORKING_DAYS = 20
# Finance is disclosed within this many days of the period's end when the catalog item
# 村级财务收支 is missing (cunwu init seeds it with 10 natural days).
FINANCE_DUE_DAYS = 10


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
                             f"异议 {objection.number} 待答复："
                             f"{mask_personal_numbers(objection.text)[:20]}",
                             objection.due_on.isoformat(), "自然日", objection.due_on < today))
    items += await _finance_due(today, region_prefix, calendar)
    return sorted(items, key=lambda i: (not i.overdue, i.due or ""))


async def _finance_due(today: date, region_prefix: str,
                       calendar: WorkdayCalendar) -> list[DueItem]:
    """Each village's latest ended month or quarter, by the rhythm it keeps, until it is
    disclosed; due the catalog item's time limit after the period ends. A village that never
    imported its finance is due too: by the rhythm set for it, else quarterly (the least
    any village must disclose), so a village missing from Cunwu shows rather than hides."""
    item = await CatalogItem.get_or_none(code=FINANCE_ITEM)
    limit_days, working = ((item.limit_days, item.limit_kind == "working") if item
                           else (FINANCE_DUE_DAYS, False))
    villages = {v.id: v for v in await Region.filter(level=Level.VILLAGE,
                                                     code__startswith=region_prefix)}
    kept: dict[int, list[FinancePeriod]] = {}
    for period in await FinancePeriod.filter(village_id__in=list(villages)).order_by("ends_on"):
        kept.setdefault(period.village_id, []).append(period)
    disclosed = {(n.region_id, n.draft_content["finance_period"]["label"])
                 for n in await Notice.filter(kind=NoticeKind.FINANCE_VILLAGE,
                                              region_id__in=list(villages),
                                              state__in=(NoticeState.PUBLISHED,
                                                         NoticeState.CLOSED,
                                                         NoticeState.ARCHIVED))}
    chosen = await set_rhythms()
    items = []
    for village in sorted(villages.values(), key=lambda v: v.code):
        periods = kept.get(village.id, [])
        rhythm = (chosen.get(village.code)
                  or (rhythm_of_label(periods[-1].period) if periods else QUARTERLY))
        due_period = last_ended_period(today, rhythm)
        if (village.id, due_period.label) in disclosed:
            continue
        stored = next((p for p in periods if p.period == due_period.label), None)
        if not periods:
            what = f"{due_period.label} 村级财务未导入（本村还没有导入过村级财务）"
        elif stored is None:
            what = f"{due_period.label} 村级财务未导入"
        elif stored.signed_off_at is None:
            what = f"{due_period.label} 村级财务待监督委员会签核，未公开"
        else:
            what = f"{due_period.label} 村级财务已签核，未公开"
        try:
            deadline = (calendar.add_working_days(due_period.ends_on, limit_days) if working
                        else add_natural_days(due_period.ends_on, limit_days))
        except CalendarMissing as exc:
            items.append(DueItem("finance", village.name, what, None, "", False, exc.message))
            continue
        items.append(DueItem("finance", village.name, what,
                             deadline.due.isoformat(),
                             f"{RHYTHM_ZH[rhythm]}公开，期末后{limit_days}个"
                             f"{'工作日' if working else '自然日'}（{deadline.calendar}）",
                             today > deadline.due))
    return items


def items_as_dicts(items: list[DueItem]) -> list[dict[str, object]]:
    return [asdict(i) for i in items]
