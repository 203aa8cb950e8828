"""Finance entries by hand: a clerk adds, corrects or removes one entry of a period.

Each entry goes through the very same row check as the accountant's sheet (date inside the
period, 凭证号/摘要/经手人/审批人 present, exactly one of 收入/支出, the 8 categories, at most
two decimals), then the period's balances are recomputed and the balance chain is checked:
a change that would move the closing balance of a period whose successor is already
imported is refused with both numbers (see ``finance_reopen`` for why it does not cascade).
A signed-off period is frozen: it must be reopened first. The entry, the period's totals
and revision, and the audit event (before and after) are written in one transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.ledgers.finance.services import _balance_problems, _neighbours
from notices.ledgers.finance.sheet import (
    FinanceRow,
    FinanceSheet,
    Period,
    _Line,
    _read_line,
    parse_period,
)
from notices.ledgers.models import FinanceEntry, FinancePeriod
from villages.errors import Conflict, InvalidInput, NotFound
from villages.models import Level, Region, Role, Staff
from villages.services import check_in_scope, check_role, get_region

HAND = "手工录入"


@dataclass(frozen=True)
class EntryInput:
    """One entry as the clerk typed it (amounts in yuan, as text)."""

    date: str = ""
    voucher: str = ""
    summary: str = ""
    category: str = ""
    income: str = ""
    expense: str = ""
    handler: str = ""
    approver: str = ""
    note: str = ""


_KEYS = [f.name for f in fields(EntryInput)]


def validate_entry(entry: EntryInput, period: Period) -> FinanceRow:
    """The sheet importer's row check on one typed entry; every problem at once."""
    sheet = FinanceSheet(sheet=HAND)
    _read_line(_Line(sheet, {k: i for i, k in enumerate(_KEYS)},
                     [getattr(entry, k) for k in _KEYS], 1), period)
    if sheet.problems:
        raise InvalidInput(
            f"分录有 {len(sheet.problems)} 处问题，未保存："
            + "；".join(f"{p.column}“{p.value}”{p.message}" for p in sheet.problems),
            details={"problems": [asdict(p) for p in sheet.problems]})
    if not sheet.rows:   # no 凭证号 and a 摘要 such as 期末余额 or 合计
        raise InvalidInput("这是余额或合计行，不是一笔分录；请写凭证号和摘要")
    return sheet.rows[0]


def _as_input(e: FinanceEntry) -> EntryInput:
    def yuan(fen: int) -> str:
        return f"{fen // 100}.{fen % 100:02d}" if fen else ""
    return EntryInput(e.booked_on.isoformat(), e.voucher_no, e.summary, e.category,
                      yuan(e.income_fen), yuan(e.expense_fen), e.handler, e.approver, e.note)


def _entry_dict(e: FinanceEntry | FinanceRow) -> dict[str, Any]:
    return {"date": e.booked_on.isoformat(), "voucher": e.voucher_no, "summary": e.summary,
            "category": e.category, "income_fen": e.income_fen, "expense_fen": e.expense_fen,
            "handler": e.handler, "approver": e.approver, "note": e.note}


def _balances(p: FinancePeriod) -> dict[str, int]:
    return {"opening_fen": p.opening_fen, "income_fen": p.income_fen,
            "expense_fen": p.expense_fen, "closing_fen": p.closing_fen,
            "entries": p.entry_count, "revision": p.revision}


async def _open_village(code: str, actor: Staff) -> Region:
    check_role(actor, Role.TOWNSHIP_CLERK, Role.VILLAGE_CADRE, Role.COUNTY_ADMIN)
    village = await get_region(code)
    if village.level != Level.VILLAGE:
        raise InvalidInput(f"{village.name} 不是村/社区，村级财务按村录入")
    check_in_scope(actor, village)
    return village


def _check_open(record: FinancePeriod, village: Region) -> None:
    if record.signed_off_at is not None:
        raise Conflict(f"{village.name} {record.period} 的财务已由监督委员会签核，不能改动；"
                       "确有记错的分录，请乡镇审核人先重新开放该期间（cunwu finance reopen）")


async def _apply(record: FinancePeriod, village: Region, period: Period, income: int,
                 expense: int, entries: int) -> dict[str, int]:
    """Recompute the period's totals, check the chain against the next period, and store
    them conditionally on the revision read (a concurrent import or edit loses cleanly)."""
    _, after = await _neighbours(village, period)
    closing = record.opening_fen + income - expense
    problems = _balance_problems(FinanceSheet(sheet=HAND), record.opening_fen, closing, income,
                                 expense, None, after)
    if problems:
        raise InvalidInput(problems[0]["message"] + "；未保存。改动会影响下期期初时，"
                           "请在本期或当前期间做调整分录", details={"problems": problems})
    values = {"income_fen": income, "expense_fen": expense, "closing_fen": closing,
              "entry_count": entries, "revision": record.revision + 1}
    moved = await FinancePeriod.filter(id=record.id, revision=record.revision,
                                       signed_off_at=None).update(**values)
    if not moved:
        raise Conflict(f"{record.period} 刚被别人改动或签核，请重新查看后再录入")
    for key, value in values.items():
        setattr(record, key, value)
    return _balances(record)


async def add_entry(village_code: str, period_text: str, entry: EntryInput, actor: Staff,
                    opening_fen: int | None = None) -> FinanceEntry:
    """Add one entry; the period is created when it is the village's first entry of it."""
    village = await _open_village(village_code, actor)
    period = parse_period(period_text)
    row = validate_entry(entry, period)
    async with in_transaction():
        before_period, _ = await _neighbours(village, period)
        record = await FinancePeriod.get_or_none(village=village, period=period.label)
        if record is None:
            if before_period is not None:
                opening = before_period.closing_fen
            elif opening_fen is not None:
                opening = opening_fen
            else:
                raise InvalidInput("这是本村第一期财务：请用 --opening 给出期初余额")
            record = await FinancePeriod.create(
                village=village, period=period.label, starts_on=period.starts_on,
                ends_on=period.ends_on, opening_fen=opening, income_fen=0, expense_fen=0,
                closing_fen=opening, entry_count=0, revision=0, source_filename=HAND,
                created_by=actor)
        _check_open(record, village)
        before = _balances(record)
        after = await _apply(record, village, period, record.income_fen + row.income_fen,
                             record.expense_fen + row.expense_fen, record.entry_count + 1)
        last = await FinanceEntry.filter(period=record).order_by("-row_no").first()
        created = await FinanceEntry.create(
            period=record, row_no=(last.row_no + 1) if last else 1, booked_on=row.booked_on,
            voucher_no=row.voucher_no, summary=row.summary, category=row.category,
            income_fen=row.income_fen, expense_fen=row.expense_fen, handler=row.handler,
            approver=row.approver, note=row.note)
        await record_event(actor.name, "finance_entry_add", f"finance:{record.id}",
                           {"entry": created.id, "after_entry": _entry_dict(row),
                            "before": before, "after": after})
    return created


async def _entry_and_period(entry_id: int, actor: Staff) -> tuple[FinanceEntry, FinancePeriod,
                                                                  Region, Period]:
    found = await FinanceEntry.get_or_none(id=entry_id)
    if found is None:
        raise NotFound(f"没有编号为 {entry_id} 的财务分录（cunwu finance show 可查编号）")
    record = await FinancePeriod.get(id=found.period_id)
    village = await _open_village((await Region.get(id=record.village_id)).code, actor)
    _check_open(record, village)
    return found, record, village, parse_period(record.period)


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise InvalidInput("改动分录必须写明理由（--reason）")
    return reason[:500]


async def edit_entry(entry_id: int, changes: dict[str, str], actor: Staff,
                     reason: str) -> FinanceEntry:
    """Correct one entry: the given fields replace the old ones, then the whole entry is
    checked again as if it were typed anew."""
    reason = _reason(reason)
    unknown = sorted(set(changes) - set(_KEYS))
    if unknown or not changes:
        raise InvalidInput(f"可改的字段：{'、'.join(_KEYS)}" + (
            f"；不认识：{'、'.join(unknown)}" if unknown else ""))
    async with in_transaction():
        found, record, village, period = await _entry_and_period(entry_id, actor)
        old = _as_input(found)
        merged = replace(old, **changes)
        if "income" in changes and "expense" not in changes and changes["income"]:
            merged = replace(merged, expense="")   # moving an amount to the other side
        if "expense" in changes and "income" not in changes and changes["expense"]:
            merged = replace(merged, income="")
        row = validate_entry(merged, period)
        before = _balances(record)
        after = await _apply(record, village, period,
                             record.income_fen - found.income_fen + row.income_fen,
                             record.expense_fen - found.expense_fen + row.expense_fen,
                             record.entry_count)
        old_entry = _entry_dict(found)
        await FinanceEntry.filter(id=found.id).update(
            booked_on=row.booked_on, voucher_no=row.voucher_no, summary=row.summary,
            category=row.category, income_fen=row.income_fen, expense_fen=row.expense_fen,
            handler=row.handler, approver=row.approver, note=row.note)
        await record_event(actor.name, "finance_entry_edit", f"finance:{record.id}",
                           {"entry": found.id, "reason": reason, "before_entry": old_entry,
                            "after_entry": _entry_dict(row), "before": before, "after": after})
    return await FinanceEntry.get(id=entry_id)


async def delete_entry(entry_id: int, actor: Staff, reason: str) -> FinancePeriod:
    """Remove one entry booked twice or in the wrong period."""
    reason = _reason(reason)
    async with in_transaction():
        found, record, village, period = await _entry_and_period(entry_id, actor)
        before = _balances(record)
        after = await _apply(record, village, period, record.income_fen - found.income_fen,
                             record.expense_fen - found.expense_fen, record.entry_count - 1)
        old_entry = _entry_dict(found)
        await FinanceEntry.filter(id=found.id).delete()
        await record_event(actor.name, "finance_entry_delete", f"finance:{record.id}",
                           {"entry": found.id, "reason": reason, "before_entry": old_entry,
                            "before": before, "after": after})
    return record
