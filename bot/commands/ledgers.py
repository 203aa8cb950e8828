"""``cunwu import …``, ``cunwu finance …`` and ``cunwu payouts …``: the ledgers."""

from __future__ import annotations

import argparse
import os
from decimal import Decimal, InvalidOperation

from bot.cli.problems import problem_lines
from bot.commands.core import Outcome, read_file
from bot.runtime import opened
from bot.settings import Config
from notices.ledgers.finance import services as finance
from notices.ledgers.models import FinanceEntry, PayoutRow
from notices.ledgers.payouts.column_maps import parse_map_options
from notices.ledgers.reveal import reveal_row
from notices.lifecycle import corrections
from notices.lifecycle.corrections import import_payout_sheet
from notices.money import format_fen, parse_fen
from villages import services as villages
from villages.errors import InvalidInput
from villages.models import Staff


async def import_payouts(args: argparse.Namespace, config: Config) -> Outcome:
    column_map = parse_map_options(args.map)
    data = read_file(args.file)
    async with opened(config) as runtime:
        actor = await villages.get_staff(args.actor)
        try:
            summary = await import_payout_sheet(
                data, os.path.basename(args.file), township_code=args.township,
                program=args.program, year=args.year, actor=actor, cipher=runtime.cipher,
                dry_run=args.dry_run, accept_warnings=args.accept_warnings, period=args.period,
                replace_batch=args.replace, column_map=column_map, paid_on=args.paid_on)
        except InvalidInput as exc:
            layout = exc.details.get("layout") if isinstance(exc.details, dict) else None
            if layout:  # say how to answer the question the console asks in a form
                columns = "、".join(c for c in layout["columns"] if c)
                exc.message += (f"。表头是：{columns}；请用 --map 列名=字段 指明，"
                                "如 --map 农户=姓名（确认后本县同样格式的表格会自动识别）")
            raise
    verb = "校验通过（未保存）" if args.dry_run else f"已导入为批次 {summary.batch_id}"
    if summary.replaced:
        verb = f"已替换批次 {summary.batch_id}（第{summary.revision}版）"
    stale = (f"；已发布的公示 {'、'.join(map(str, summary.stale_notices))} 与台账不一致，"
             "请用 cunwu notice correct 更正" if summary.stale_notices else "")
    if summary.stale_drafts:
        stale += (f"；未发布的公示 {'、'.join(map(str, summary.stale_drafts))} 是按旧表起草的，"
                  f"请用 cunwu notice create --batch {summary.batch_id} 重新起草")
    text = (f"{verb}：{summary.rows} 行，{summary.households} 户，"
            f"合计 {format_fen(summary.total_fen)} 元{stale}")
    heading = f"提醒（{len(summary.warnings)} 条，已确认）：" if summary.warnings else ""
    if summary.warnings and args.dry_run:
        heading = f"提醒（{len(summary.warnings)} 条，正式导入时需加 --accept-warnings）："
    return summary.as_dict(), "\n".join([text, *problem_lines(summary.warnings, heading)])


async def import_finance(args: argparse.Namespace, config: Config) -> Outcome:
    data = read_file(args.file)
    opening = None if args.opening is None else parse_fen(args.opening, field="期初余额")
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        summary = await finance.import_finance(
            data, os.path.basename(args.file), village_code=args.village,
            period_text=args.period, actor=actor, opening_fen=opening, dry_run=args.dry_run)
    verb = "校验通过（未保存）" if args.dry_run else "已导入"
    return summary.as_dict(), (
        f"{verb}：{summary.period} 共 {summary.entries} 笔；期初 {format_fen(summary.opening_fen)}"
        f" + 收入 {format_fen(summary.income_fen)} − 支出 {format_fen(summary.expense_fen)}"
        f" = 期末 {format_fen(summary.closing_fen)} 元")


async def finance_show(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        record = await finance.get_period(args.village, args.period)
        entries = await FinanceEntry.filter(period=record).order_by("row_no")
        signer = await Staff.get_or_none(id=record.signed_off_by_id)
    out = {
        "village": args.village, "period": record.period, "revision": record.revision,
        "opening_fen": record.opening_fen, "income_fen": record.income_fen,
        "expense_fen": record.expense_fen, "closing_fen": record.closing_fen,
        "signed_off_by": signer.name if signer else None,
        "signed_off_at": record.signed_off_at, "signoff_opinion": record.signoff_opinion,
        "entries": [{"id": e.id, "date": e.booked_on, "voucher": e.voucher_no,
                     "summary": e.summary,
                     "category": e.category, "income_fen": e.income_fen,
                     "expense_fen": e.expense_fen, "handler": e.handler,
                     "approver": e.approver} for e in entries],
    }
    sign = f"已签核（{signer.name}）" if signer else "未签核"
    text = (f"{record.period}：期初 {format_fen(record.opening_fen)}，收入 "
            f"{format_fen(record.income_fen)}，支出 {format_fen(record.expense_fen)}，期末 "
            f"{format_fen(record.closing_fen)}；{len(entries)} 笔；{sign}")
    return out, text


async def finance_signoff(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        await finance.sign_off(args.village, args.period, actor, args.opinion)
    return ({"village": args.village, "period": args.period, "signed_off_by": actor.name},
            f"{args.period} 已签核")


async def payouts_list(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        query = PayoutRow.filter(batch_id=args.batch).order_by("village_id", "row_no")
        if args.village:
            query = query.filter(village__code=args.village)
        rows = [{"id": r.id, "row": r.row_no, "village": r.village.name, "group": r.group_name,
                 "name": r.name, "id_board": r.id_board, "amount_fen": r.amount_fen}
                for r in await query.prefetch_related("village")]
    if not rows:
        return rows, "没有记录"
    header = f"{'记录编号':>4}  {'村':<6} {'姓名':<6} {'身份证号（已遮盖）':<16}  {'金额（元）':>8}"
    lines = [f"{r['id']:>8}  {r['village']:<6} {r['name']:<6} {r['id_board']:<18}  "
             f"{format_fen(r['amount_fen']):>12}" for r in rows]
    return rows, "\n".join([header, *lines])


def parse_quantity(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise InvalidInput(f"数量“{text}”不是数字") from None
    if not value.is_finite() or value < 0 or value.as_tuple().exponent < -4:
        raise InvalidInput(f"数量“{text}”不对：不能为负，最多4位小数")
    return value


async def payouts_amend(args: argparse.Namespace, config: Config) -> Outcome:
    amount = None if args.amount is None else parse_fen(args.amount, field="金额")
    quantity = None if args.quantity is None else parse_quantity(args.quantity)
    if amount is None and quantity is None and args.name is None:
        raise InvalidInput("请给出要改的内容：--quantity、--amount 或 --name")
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        stale = await corrections.amend_payout_row(args.row, actor, args.reason,
                                                   amount_fen=amount, quantity=quantity,
                                                   name=args.name)
    hint = (f"；已发布的公示 {'、'.join(map(str, stale))} 与台账不一致，"
            f"请用 cunwu notice correct 更正" if stale else "")
    return {"row": args.row, "stale_notices": stale}, f"已修改第 {args.row} 条记录{hint}"




async def payouts_reveal(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config) as runtime:
        actor = await villages.get_staff(args.actor)
        row = await reveal_row(args.row, actor, args.reason, runtime.cipher)
    out = {"row": row.row_id, "name": row.name, "id_number": row.id_number,
           "bank_account": row.bank_account, "phone": row.phone}
    return out, (f"{row.name} 身份证 {row.id_number} 账号 {row.bank_account or '—'} "
                 f"电话 {row.phone or '—'}（本次查看已记入审计）")
