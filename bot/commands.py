"""What each ``cunwu`` command does. Each returns (JSON-able result, human text)."""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path
from typing import Any

from bot.runtime import ensure_admin, opened
from bot.settings import SETTINGS, Config
from notices import corrections, lifecycle, public
from notices.consistency import consistency_matrix, matrix_as_dict
from notices.fingerprint import format_code
from notices.ledgers import finance_services as finance
from notices.ledgers.models import FinanceEntry, PayoutRow
from notices.ledgers.services import import_payouts as import_payout_sheet
from notices.models import Delivery, Notice, NoticeVersion
from notices.money import format_fen, parse_fen
from villages import services as villages
from villages.errors import InvalidInput
from villages.models import Region, Staff

Outcome = tuple[Any, str]


def _read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInput(f"读不了文件 {path}：{exc.strerror}") from None


async def init(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config) as runtime:
        await ensure_admin()
        result: dict[str, Any] = {"home": str(config.home), "database": _safe_url(config)}
        if args.demo:
            from bot.demo import load_demo
            result["demo"] = await load_demo(runtime)
    text = f"数据目录 {config.home} 已就绪。"
    if args.demo:
        demo = result["demo"]
        text += (f"\n演示县已载入：{demo['townships']} 个乡镇，{demo['villages']} 个村，"
                 f"已发布 {demo['published']} 份公示，"
                 f"新载入 {demo['finance_periods']} 个村的月度财务。"
                 f"\n公示表 PDF 在 {config.files_dir}")
    return result, text


def _safe_url(config: Config) -> str:
    # A PostgreSQL URL may carry a password: show only the scheme and the database name.
    url = config.database_url
    return url if config.is_sqlite else f"{url.split(':', 1)[0]}://…/{url.rsplit('/', 1)[-1]}"


def serve(args: argparse.Namespace, config: Config) -> None:
    from bot.app import run_server
    run_server(config, host=args.host or config.host, port=args.port or config.port,
               with_worker=not args.no_worker)


async def worker(args: argparse.Namespace, config: Config) -> Outcome | None:
    from bot.app import worker_session
    async with opened(config) as runtime, worker_session(runtime) as delivery_worker:
        if args.once:
            done = 0
            while n := await delivery_worker.run_once():
                done += n
            return {"processed": done}, f"处理了 {done} 条投递"
        stop = asyncio.Event()
        await delivery_worker.run_forever(config.worker_interval, stop)
    return None


async def settings(args: argparse.Namespace, config: Config) -> Outcome:
    rows = [{"name": s.name, "value": os.environ.get(s.name, s.default), "default": s.default,
             "help": s.help} for s in SETTINGS]
    text = "\n".join(f"{r['name']}={r['value']}\n    {r['help']}" for r in rows)
    return rows, text


async def regions_import(args: argparse.Namespace, config: Config) -> Outcome:
    data = _read_file(args.file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    async with opened(config):
        result = await villages.import_regions(villages.read_region_csv(text))
        await ensure_admin()
    out = result.__dict__
    return out, f"新增 {result.created}，改名 {result.updated}，不变 {result.unchanged}"


async def user_add(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        staff = await villages.add_staff(args.name, args.role, args.scope,
                                         display_name=args.display_name)
        scope = await Region.get(id=staff.scope_id)
    out = {"name": staff.name, "role": staff.role.value, "scope": scope.code}
    return out, f"{staff.name}：{staff.role.value}，范围 {scope.name}"


async def robot_add(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        target = await villages.add_robot(args.village, args.name, args.key)
    out = {"id": target.id, "name": target.name, "key": villages.redact(target.address)}
    return out, f"已登记群机器人 {target.name}"


async def import_payouts(args: argparse.Namespace, config: Config) -> Outcome:
    data = _read_file(args.file)
    async with opened(config) as runtime:
        actor = await villages.get_staff(args.actor)
        summary = await import_payout_sheet(
            data, os.path.basename(args.file), township_code=args.township,
            program=args.program, year=args.year, actor=actor, cipher=runtime.cipher,
            dry_run=args.dry_run, accept_warnings=args.accept_warnings)
    verb = "校验通过（未保存）" if args.dry_run else f"已导入为批次 {summary.batch_id}"
    return summary.as_dict(), (f"{verb}：{summary.rows} 行，{summary.households} 户，"
                               f"合计 {format_fen(summary.total_fen)} 元")


async def import_finance(args: argparse.Namespace, config: Config) -> Outcome:
    data = _read_file(args.file)
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
        "entries": [{"date": e.booked_on, "voucher": e.voucher_no, "summary": e.summary,
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


async def notice_create(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        created = await lifecycle.create_payout_notices(args.batch, actor)
        rows = [await _notice_row(n) for n in created]
    return rows, f"已起草 {len(rows)} 份公示：" + "、".join(str(r["id"]) for r in rows)


async def _notice_row(notice: Notice) -> dict[str, Any]:
    region = await Region.get(id=notice.region_id)
    current = await NoticeVersion.filter(notice_id=notice.id).order_by("-number").first()
    return {
        "id": notice.id, "kind": notice.kind.value, "title": notice.title,
        "region": {"code": region.code, "name": region.name}, "state": notice.state.value,
        "total_fen": notice.draft_content["total_fen"], "rows": len(notice.draft_content["rows"]),
        "version": current.number if current else None,
        "verify_code": format_code(current.verify_code) if current else None,
    }


async def notice_list(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        query = Notice.all().order_by("id")
        if args.state:
            query = query.filter(state=args.state)
        if args.batch:
            query = query.filter(batch_id=args.batch)
        for code in (args.township, args.village):
            if code:
                region = await villages.get_region(code)
                query = query.filter(region__code__startswith=_prefix(region.code))
        rows = [await _notice_row(n) for n in await query]
    text = "\n".join(f"{r['id']:>5}  {r['state']:<10} {r['region']['name']:<8} {r['title']}"
                     for r in rows) or "没有公示"
    return rows, text


def _prefix(code: str) -> str:
    from villages.codes import prefix_of
    return prefix_of(code)


async def notice_show(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        notice = await lifecycle.get_notice(args.id)
        row = await _notice_row(notice)
        versions = await NoticeVersion.filter(notice=notice).order_by("number")
        row["versions"] = []
        for v in versions:
            deliveries = await Delivery.filter(version=v).prefetch_related("target")
            row["versions"].append({
                "number": v.number, "verify_code": format_code(v.verify_code),
                "status": v.status.value, "fingerprint": v.fingerprint,
                "period": [v.period_start.isoformat(), v.period_end.isoformat()],
                "pdf": str(config.files_dir / v.pdf_file),
                "deliveries": [{"channel": d.target.kind.value, "target": d.target.name,
                                "state": d.state.value, "attempts": d.attempts,
                                "last_error": d.last_error} for d in deliveries],
            })
    text = (f"{row['id']} {row['title']} · {row['region']['name']} · {row['state']}\n"
            + "\n".join(f"  v{v['number']} {v['verify_code']} {v['status']} "
                        + "，".join(f"{d['target']}:{d['state']}" for d in v["deliveries"])
                        for v in row["versions"]))
    return row, text


async def notice_transition(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config) as runtime:
        actor = await villages.get_staff(args.actor)
        notices = ([await lifecycle.get_notice(args.id)] if args.id is not None
                   else await lifecycle.notices_of_batch(args.batch))
        done = []
        for notice in notices:
            if args.transition == "submit":
                await lifecycle.submit(notice, actor)
            elif args.transition == "approve":
                await lifecycle.approve(notice, actor)
            elif args.transition == "reject":
                await lifecycle.reject(notice, actor, args.reason)
            else:
                await lifecycle.publish(notice, actor, runtime.publish_context())
            done.append(await _notice_row(notice))
    return done, "\n".join(f"{r['id']} → {r['state']}"
                           + (f"  核验码 {r['verify_code']}" if r["verify_code"] else "")
                           for r in done)


async def notice_correct(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        notices = ([await lifecycle.get_notice(args.id)] if args.id is not None
                   else await corrections.stale_notices(args.batch))
        if not notices:
            return [], "没有需要更正的公示：已发布的内容与台账一致"
        for notice in notices:
            await corrections.correct(notice, actor, args.reason)
        rows = [await _notice_row(n) for n in notices]
    ids = "、".join(str(r["id"]) for r in rows)
    return rows, f"已起草更正 {ids}：审核通过后发布，即替代原版本"


async def notice_withdraw(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        notice = await lifecycle.get_notice(args.id)
        told = await corrections.withdraw(notice, actor, args.reason)
        row = await _notice_row(notice)
    return row, f"公示 {args.id} 已撤回，将通知 {told} 个群"


async def payouts_list(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        query = PayoutRow.filter(batch_id=args.batch).order_by("village_id", "row_no")
        if args.village:
            query = query.filter(village__code=args.village)
        rows = [{"id": r.id, "row": r.row_no, "village": r.village.name, "group": r.group_name,
                 "name": r.name, "id_board": r.id_board, "amount_fen": r.amount_fen}
                for r in await query.prefetch_related("village")]
    text = "\n".join(f"{r['id']:>7}  {r['village']:<6} {r['name']:<6} {r['id_board']}  "
                     f"{format_fen(r['amount_fen']):>12}" for r in rows) or "没有记录"
    return rows, text


async def payouts_amend(args: argparse.Namespace, config: Config) -> Outcome:
    amount = None if args.amount is None else parse_fen(args.amount, field="金额")
    if amount is None and args.name is None:
        raise InvalidInput("请给出要改的内容：--amount 或 --name")
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        stale = await corrections.amend_payout_row(args.row, actor, args.reason,
                                                   amount_fen=amount, name=args.name)
    hint = (f"；已发布的公示 {'、'.join(map(str, stale))} 与台账不一致，"
            f"请用 cunwu notice correct 更正" if stale else "")
    return {"row": args.row, "stale_notices": stale}, f"已修改第 {args.row} 条记录{hint}"


async def check_consistency(args: argparse.Namespace, config: Config) -> tuple[Any, str, int]:
    async with opened(config):
        rows = await consistency_matrix(args.township or args.village)
    result = matrix_as_dict(rows)
    lines = []
    for row in rows:
        cells = "  ".join(f"{c.target}:{'v' + str(c.holds) if c.holds else '—'}"
                          f"{'' if c.state == 'ok' else '[' + c.state + ']'}" for c in row.cells)
        flag = "✔" if row.ok else "✘"
        stale = " [台账已变]" if row.ledger_stale else ""
        lines.append(f"{flag} {row.notice_id:>4} {row.region} v{row.version}{stale}  {cells}")
    summary = "全部一致" if result["consistent"] else "有不一致（✘）"
    return result, "\n".join([*lines, summary]), 0 if result["consistent"] else 1


async def render(args: argparse.Namespace, config: Config) -> tuple[Any, str, int]:
    from bot import render_batch
    from notices.rendering import render_notice_pdf
    from pdf import board_style
    style = board_style(args.paper, landscape=args.landscape, large_print=args.large_print)
    if args.notice is None:
        if not args.program or not args.year:
            render_batch.usage_error("--township/--county 需要 --program 和 --year")
        async with opened(config) as runtime:
            summary = await render_batch.render_batch(
                Path(args.output), runtime.store, config.public_url, program=args.program,
                year=args.year, township=args.township, county=args.county, style=style,
                workers=args.workers, progress=render_batch.progress_bar())
        return summary.as_dict(), summary.text(), 1 if summary.failed else 0
    if args.program or args.year:
        render_batch.usage_error("--program/--year 只用于 --township/--county 批量导出")
    async with opened(config) as runtime:
        notice = await lifecycle.get_notice(args.notice)
        if style == board_style():
            data, label = await render_notice_pdf(notice, runtime.store, config.public_url)
        else:
            data, label = await render_batch.notice_pdf(notice, config.public_url, style)
    Path(args.output).write_bytes(data)
    return {"notice": args.notice, "output": args.output, "bytes": len(data),
            "version": label}, f"已写出 {args.output}（{label}）", 0


async def verify(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        c = await public.verify(args.code)
    text = f"{c.code}：{c.status_zh}（第{c.version}版）{c.title} · {c.region}"
    if c.superseded_by:
        text += f"\n已被核验码 {c.superseded_by} 的版本更正"
    if not c.intact:
        text += "\n警告：存档内容与发布时的指纹不符！"
    return c.as_dict(), text
