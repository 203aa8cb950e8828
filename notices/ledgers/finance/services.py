"""Village finance periods: import with the balance chain enforced, and the supervision
committee's sign-off (村务监督委员会/民主理财小组) that publication requires."""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field
from datetime import datetime

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.clock import CHINA
from notices.ledgers.finance.sheet import FinanceSheet, Period, parse_period, read_finance_sheet
from notices.ledgers.models import FinanceEntry, FinancePeriod
from notices.money import format_fen
from villages.errors import Conflict, InvalidInput, NotFound
from villages.models import Level, Region, Role, Staff
from villages.services import check_in_scope, check_role, get_region


@dataclass
class FinanceSummary:
    period_id: int | None
    village: str
    period: str
    entries: int
    opening_fen: int
    income_fen: int
    expense_fen: int
    closing_fen: int
    dry_run: bool = False
    by_category: dict[str, dict[str, int]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _yuan(fen: int) -> str:
    return f"{format_fen(abs(fen))} 元" if fen >= 0 else f"-{format_fen(-fen)} 元"


async def _neighbours(village: Region, period: Period) -> tuple[FinancePeriod | None,
                                                                FinancePeriod | None]:
    before = await FinancePeriod.filter(village=village, ends_on__lt=period.starts_on).order_by(
        "-ends_on").first()
    after = await FinancePeriod.filter(village=village, starts_on__gt=period.ends_on).order_by(
        "starts_on").first()
    overlap = await FinancePeriod.filter(
        village=village, starts_on__lte=period.ends_on, ends_on__gte=period.starts_on
    ).exclude(period=period.label).first()
    if overlap:
        raise Conflict(f"{village.name} 已有与 {period.label} 重叠的期间 {overlap.period}，"
                       "月报和季报不能混用同一段时间")
    return before, after


def _balance_problems(sheet: FinanceSheet, opening: int, closing: int, income: int,
                      expense: int, before: FinancePeriod | None,
                      after: FinancePeriod | None) -> list[dict[str, object]]:
    """Every claim the sheet or the neighbouring periods make, checked with both numbers."""
    out: list[dict[str, object]] = []

    def add(what: str, stated: str, message: str) -> None:
        out.append({"sheet": sheet.sheet, "row": 0, "column": what, "value": stated,
                    "message": message})

    def differs(what: str, stated: int, computed: int, why: str) -> None:
        add(what, _yuan(stated), f"{why}：表上 {_yuan(stated)}，计算得 {_yuan(computed)}")

    if before and sheet.stated_opening_fen is not None and sheet.stated_opening_fen != opening:
        differs("期初余额", sheet.stated_opening_fen, opening,
                f"期初余额应等于上期（{before.period}）期末余额")
    if sheet.stated_totals and sheet.stated_totals != (income, expense):
        stated_in, stated_out = sheet.stated_totals
        add("本期合计", f"收入 {_yuan(stated_in)} / 支出 {_yuan(stated_out)}",
            f"合计行与逐笔相加不符：逐笔收入 {_yuan(income)}，逐笔支出 {_yuan(expense)}")
    if sheet.stated_closing_fen is not None and sheet.stated_closing_fen != closing:
        differs("期末余额", sheet.stated_closing_fen, closing, "期末余额 ≠ 期初 + 收入 − 支出")
    if after and after.opening_fen != closing:
        differs("下期期初", after.opening_fen, closing,
                f"已导入的下一期（{after.period}）期初余额与本期期末不符")
    return out


async def import_finance(data: bytes, filename: str, *, village_code: str, period_text: str,
                         actor: Staff, opening_fen: int | None = None,
                         dry_run: bool = False) -> FinanceSummary:
    """Validate a ledger and store it as the village's period, all or nothing. A period that
    is not yet signed off may be re-imported (the revision goes up); a signed one may not."""
    check_role(actor, Role.TOWNSHIP_CLERK, Role.VILLAGE_CADRE, Role.COUNTY_ADMIN)
    village = await get_region(village_code)
    if village.level != Level.VILLAGE:
        raise InvalidInput(f"{village.name} 不是村/社区，村级财务按村导入")
    check_in_scope(actor, village)
    period = parse_period(period_text)
    # Off the event loop: unpacking a workbook takes seconds and may wait for its turn.
    sheet = await asyncio.to_thread(read_finance_sheet, data, filename, period)
    before, after = await _neighbours(village, period)
    if before is not None:
        opening = before.closing_fen
    elif opening_fen is not None:
        opening = opening_fen
    elif sheet.stated_opening_fen is not None:
        opening = sheet.stated_opening_fen
    else:
        raise InvalidInput("这是本村第一期财务：请在表中写“期初余额”一行，"
                           "或用 --opening 给出期初余额")
    income = sum(r.income_fen for r in sheet.rows)
    expense = sum(r.expense_fen for r in sheet.rows)
    closing = opening + income - expense
    problems = [asdict(p) for p in sheet.problems]
    problems += _balance_problems(sheet, opening, closing, income, expense, before, after)
    if problems:
        raise InvalidInput(f"财务表有 {len(problems)} 处问题，未导入任何数据",
                           details={"problems": problems})
    by_category: dict[str, dict[str, int]] = {}
    for row in sheet.rows:
        totals = by_category.setdefault(row.category, {"income_fen": 0, "expense_fen": 0})
        totals["income_fen"] += row.income_fen
        totals["expense_fen"] += row.expense_fen
    summary = FinanceSummary(None, village.code, period.label, len(sheet.rows), opening, income,
                             expense, closing, dry_run, by_category)
    if dry_run:
        return summary
    async with in_transaction():
        existing = await FinancePeriod.get_or_none(village=village, period=period.label)
        if existing and existing.signed_off_at:
            raise Conflict(f"{village.name} {period.label} 的财务已由监督委员会签核，不能覆盖；"
                           "确有记错的分录，请乡镇审核人先重新开放该期间"
                           "（cunwu finance reopen --reason …）")
        values = dict(starts_on=period.starts_on, ends_on=period.ends_on, opening_fen=opening,
                      income_fen=income, expense_fen=expense, closing_fen=closing,
                      entry_count=len(sheet.rows), source_filename=filename[:255],
                      created_by=actor)
        if existing:
            await FinanceEntry.filter(period=existing).delete()
            await existing.update_from_dict({**values, "revision": existing.revision + 1})
            await existing.save()
            record = existing
        else:
            record = await FinancePeriod.create(village=village, period=period.label, **values)
        await FinanceEntry.bulk_create([
            FinanceEntry(period=record, row_no=r.row, booked_on=r.booked_on,
                         voucher_no=r.voucher_no, summary=r.summary, category=r.category,
                         income_fen=r.income_fen, expense_fen=r.expense_fen, handler=r.handler,
                         approver=r.approver, note=r.note)
            for r in sheet.rows
        ])
        await record_event(actor.name, "import_finance", f"finance:{record.id}",
                           {"village": village.code, "period": period.label,
                            "revision": record.revision, "closing_fen": closing})
    summary.period_id = record.id
    return summary


async def get_period(village_code: str, period_text: str) -> FinancePeriod:
    village = await get_region(village_code)
    period = parse_period(period_text)
    record = await FinancePeriod.get_or_none(village=village, period=period.label)
    if record is None:
        raise NotFound(f"{village.name} 还没有 {period.label} 的财务数据")
    return record


async def sign_off(village_code: str, period_text: str, actor: Staff, opinion: str) -> None:
    """The supervision committee reviewed the period; record who, when and their opinion."""
    check_role(actor, Role.VILLAGE_SUPERVISOR)
    record = await get_period(village_code, period_text)
    check_in_scope(actor, await Region.get(id=record.village_id))
    opinion = opinion.strip()
    if not opinion:
        raise InvalidInput("请写明审核意见（--opinion），例如：经审核，收支真实，同意公开")
    async with in_transaction():
        signed = await FinancePeriod.filter(id=record.id, signed_off_at=None).update(
            signed_off_by_id=actor.id, signed_off_at=datetime.now(CHINA),
            signoff_opinion=opinion[:500])
        if not signed:
            raise Conflict(f"{record.period} 已经签核过了")
        await record_event(actor.name, "finance_signoff", f"finance:{record.id}",
                           {"opinion": opinion, "revision": record.revision})
