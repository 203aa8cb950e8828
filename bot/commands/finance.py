"""``cunwu finance reopen`` (a township reviewer reopens a signed-off period) and
``cunwu finance entry add|edit|delete`` (one entry by hand, checked like the import)."""

from __future__ import annotations

import argparse

from bot.commands import Outcome
from bot.runtime import opened
from bot.settings import Config
from notices.kinds.finance import existing_disclosure
from notices.ledgers.finance.entries import EntryInput, add_entry, delete_entry, edit_entry
from notices.ledgers.finance.reopen import reopen_period
from notices.ledgers.models import FinanceEntry, FinancePeriod
from notices.models import NoticeState
from notices.money import format_fen, parse_fen
from villages import services as villages


async def finance_reopen(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        done = await reopen_period(args.village, args.period, actor, args.reason)
        notice = await existing_disclosure(await villages.get_region(args.village), done.period)
    if notice and notice.state not in (NoticeState.PUBLISHED, NoticeState.CLOSED):
        notice = None   # a draft is simply made again after the new sign-off
    out = {**done.as_dict(), "notice": notice.id if notice else None}
    then = (f"；已发布的财务公开 {notice.id} 现与台账不一致，改正、重新签核后用 "
            f"cunwu notice correct {notice.id} --reason … 更正" if notice else "")
    return out, (f"{done.period} 已重新开放（第{done.revision}版），原签核已取消，"
                 f"请会计改正后重新导入，再由监督委员会重新签核{then}")


def _typed(args: argparse.Namespace) -> dict[str, str]:
    typed = {k: getattr(args, k) for k in ("date", "voucher", "summary", "category", "income",
                                           "expense", "approver", "note")
             if getattr(args, k) is not None}
    if args.handled_by is not None:   # --handler (经手人); args.handler is the command
        typed["handler"] = args.handled_by
    return typed


def _entry_text(e: FinanceEntry) -> str:
    amount = (f"收入 {format_fen(e.income_fen)}" if e.income_fen
              else f"支出 {format_fen(e.expense_fen)}")
    return f"分录 {e.id}：{e.booked_on} {e.voucher_no} {e.summary} {e.category} {amount} 元"


async def _period_line(period_id: int) -> tuple[dict[str, object], str]:
    p = await FinancePeriod.get(id=period_id)
    out = {"period": p.period, "revision": p.revision, "opening_fen": p.opening_fen,
           "income_fen": p.income_fen, "expense_fen": p.expense_fen,
           "closing_fen": p.closing_fen, "entries": p.entry_count}
    return out, (f"{p.period} 现为第{p.revision}版：期初 {format_fen(p.opening_fen)} + 收入 "
                 f"{format_fen(p.income_fen)} − 支出 {format_fen(p.expense_fen)} = 期末 "
                 f"{format_fen(p.closing_fen)} 元，共 {p.entry_count} 笔")


async def finance_entry_add(args: argparse.Namespace, config: Config) -> Outcome:
    opening = None if args.opening is None else parse_fen(args.opening, field="期初余额")
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        entry = await add_entry(args.village, args.period, EntryInput(**_typed(args)), actor,
                                opening_fen=opening)
        period, line = await _period_line(entry.period_id)
    return {"entry": entry.id, **period}, f"已录入{_entry_text(entry)}；{line}"


async def finance_entry_edit(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        entry = await edit_entry(args.entry, _typed(args), actor, args.reason)
        period, line = await _period_line(entry.period_id)
    return {"entry": entry.id, **period}, f"已改正{_entry_text(entry)}；{line}"


async def finance_entry_delete(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        record = await delete_entry(args.entry, actor, args.reason)
        period, line = await _period_line(record.id)
    return {"deleted": args.entry, **period}, f"已删除分录 {args.entry}；{line}"
