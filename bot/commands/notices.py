"""``cunwu notice …`` and ``cunwu check consistency``: the notice workflow."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.commands.core import Outcome, read_file
from bot.runtime import opened
from bot.settings import Config
from notices.audit_anchors import (
    ANCHOR_FILE,
    Anchor,
    anchor_head,
    chain_head,
    check_chain,
    read_anchors,
)
from notices.clock import today_in_china
from notices.delivery.consistency import consistency_matrix, matrix_as_dict
from notices.delivery.models import BoardPosting
from notices.fingerprint import format_code
from notices.kinds import catalog, general
from notices.kinds.catalog import seed_catalog
from notices.kinds.catalog_models import CatalogItem, Program
from notices.kinds.finance import create_finance_notice, is_finance
from notices.lifecycle import corrections
from notices.lifecycle import workflow as lifecycle
from notices.lifecycle.deadlines import import_schedule
from notices.lifecycle.due import due_items, items_as_dicts
from notices.lifecycle.general_correction import correct_general
from notices.models import Delivery, Notice, NoticeState, NoticeVersion, get_notice
from notices.objections import services as objections
from notices.objections.reveal import reveal_objection
from notices.privacy.redaction import mask_personal_numbers
from villages import glossary
from villages import services as villages
from villages.codes import prefix_of
from villages.errors import Conflict, InvalidInput
from villages.models import Region


async def notice_create(args: argparse.Namespace, config: Config) -> Outcome:
    draft = general.load_notice_yaml(Path(args.file)) if args.file else None
    async with opened(config) as runtime:
        actor = await villages.get_staff(args.actor)
        if args.finance:
            created = [await create_finance_notice(*args.finance, actor)]
        elif draft is not None:
            created = [await general.create_general_notice(draft, actor, runtime.store)]
        else:
            created = await lifecycle.create_payout_notices(args.batch, actor)
        rows = [await _notice_row(n) for n in created]
    return rows, f"已起草 {len(rows)} 份公示：" + "、".join(str(r["id"]) for r in rows)


async def _notice_row(notice: Notice) -> dict[str, Any]:
    region = await Region.get(id=notice.region_id)
    current = await NoticeVersion.filter(notice_id=notice.id).order_by("-number").first()
    return {
        "id": notice.id, "kind": notice.kind.value, "title": notice.title,
        "region": {"code": region.code, "name": region.name}, "state": notice.state.value,
        **_size(notice.draft_content),
        "version": current.number if current else None,
        "verify_code": format_code(current.verify_code) if current else None,
    }


def _size(content: dict[str, Any]) -> dict[str, Any]:
    if is_finance(content):
        bal = content["balance"]
        return {"entries": len(content["entries"]), "opening_fen": bal["opening_fen"],
                "income_fen": bal["income_fen"], "expense_fen": bal["expense_fen"],
                "closing_fen": bal["closing_fen"],
                "finance_period": content["finance_period"]["label"],
                "signed_off": content.get("supervision") is not None}
    return {"total_fen": content["total_fen"], "rows": len(content["rows"])}


async def notice_list(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        query = Notice.all().order_by("id")
        if args.state:
            query = query.filter(state=_state_arg(args.state))
        if args.batch:
            query = query.filter(batch_id=args.batch)
        for code in (args.township, args.village):
            if code:
                region = await villages.get_region(code)
                query = query.filter(region__code__startswith=prefix_of(region.code))
        rows = [await _notice_row(n) for n in await query]
    text = "\n".join(f"{r['id']:>5}  {glossary.state_zh(r['state']):<5} "
                     f"{r['region']['name']:<8} {r['title']}" for r in rows) or "没有公示"
    return rows, text


async def notice_show(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        notice = await get_notice(args.id)
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
                "deliveries": [{"id": d.id, "channel": d.target.kind.value,
                                "target": d.target.name,
                                "state": d.state.value, "attempts": d.attempts,
                                "last_error": d.last_error} for d in deliveries],
                "board_postings": [
                    {"region": p.region.code, "photo": str(config.files_dir / p.photo_file),
                     "posted_by": p.posted_by.name, "posted_at": p.posted_at.isoformat()}
                    for p in await BoardPosting.filter(version=v).order_by("id")
                    .prefetch_related("region", "posted_by")],
            })
    text = (f"{row['id']} {row['title']} · {row['region']['name']} · "
            f"{glossary.state_zh(row['state'])}\n"
            + "\n".join(f"  第{v['number']}版 核验码 {v['verify_code']} "
                        f"{glossary.VERSION_STATUS_ZH.get(v['status'], v['status'])} "
                        + "，".join(f"{d['target']}（投递{d['id']}）：{_delivery_zh(d['state'])}"
                                   for d in v["deliveries"])
                        for v in row["versions"]))
    return row, text


def _state_arg(text: str) -> str:
    """--state takes 待审核 as well as in_review."""
    state = glossary.state_value(text)
    if state is None:
        names = "、".join(glossary.NOTICE_STATE_ZH.values())
        raise InvalidInput(f"没有“{text}”这个状态，可选：{names}")
    return state


def _delivery_zh(state: str) -> str:
    return glossary.DELIVERY_STATE_ZH.get(state, state)


def _cell_zh(state: str) -> str:
    return glossary.CONSISTENCY_ZH.get(state, state)


# With --batch, an action applies to the notices at the stage it moves from, so a batch
# whose other notices are already further along (e.g. after a correction) just works.
_FROM_STATE = {"submit": NoticeState.DRAFT, "approve": NoticeState.IN_REVIEW,
               "reject": NoticeState.IN_REVIEW, "publish": NoticeState.APPROVED}


async def notice_transition(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config) as runtime:
        actor = await villages.get_staff(args.actor)
        if args.id is not None:
            notices = [await get_notice(args.id)]
        else:
            notices = [n for n in await lifecycle.notices_of_batch(args.batch)
                       if n.state == _FROM_STATE[args.transition]]
            if not notices:
                action = glossary.ACTION_ZH[args.transition]
                needed = glossary.state_zh(_FROM_STATE[args.transition])
                raise Conflict(f"批次 {args.batch} 没有可以{action}的公示"
                               f"（需要状态“{needed}”）")
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
    return done, "\n".join(f"{r['id']} → {glossary.state_zh(r['state'])}"
                           + (f"  核验码 {r['verify_code']}" if r["verify_code"] else "")
                           for r in done)


async def notice_correct(args: argparse.Namespace, config: Config) -> Outcome:
    draft = general.load_notice_yaml(Path(args.file)) if args.file else None
    if draft is not None and args.id is None:
        raise InvalidInput("--file 只能更正一份通知公告：请给出公示编号")
    async with opened(config) as runtime:
        actor = await villages.get_staff(args.actor)
        notices = ([await get_notice(args.id)] if args.id is not None
                   else await corrections.stale_notices(args.batch))
        if not notices:
            return [], "没有需要更正的公示：已发布的内容与台账一致"
        for notice in notices:
            if draft is not None:
                await correct_general(notice, draft, actor, args.reason, runtime.store)
            else:
                await corrections.correct(notice, actor, args.reason)
        rows = [await _notice_row(n) for n in notices]
    ids = "、".join(str(r["id"]) for r in rows)
    return rows, f"已起草更正 {ids}：审核通过后发布，即替代原版本"


async def notice_withdraw(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        notice = await get_notice(args.id)
        told = await corrections.withdraw(notice, actor, args.reason)
        row = await _notice_row(notice)
    return row, f"公示 {args.id} 已撤回，将通知 {told} 个群"


async def check_consistency(args: argparse.Namespace, config: Config) -> tuple[Any, str, int]:
    async with opened(config):
        rows = await consistency_matrix(args.township or args.village)
    result = matrix_as_dict(rows)
    lines = []
    for row in rows:
        cells = "  ".join(f"{c.target}：{'第' + str(c.holds) + '版' if c.holds else '—'}"
                          f"{'' if c.state == 'ok' else '【' + _cell_zh(c.state) + '】'}"
                          for c in row.cells)
        flag = "✔" if row.ok else "✘"
        stale = " [台账已变]" if row.ledger_stale else ""
        if row.withdrawn:  # its cells are the places not yet told of the withdrawal
            stale = f" [已撤回，撤回通知未送达：{row.withdrawn_reason}]"
        lines.append(f"{flag} {row.notice_id:>4} {row.region} 第{row.version}版{stale}  {cells}")
    summary = "全部一致" if result["consistent"] else "有不一致（✘）"
    return result, "\n".join([*lines, summary]), 0 if result["consistent"] else 1




async def audit_verify(args: argparse.Namespace, config: Config) -> tuple[Any, str, int]:
    """The chain's links, then every anchor kept outside the database (the file, and any
    the clerk brings from a digest or a saved page): an edit recomputed through the chain,
    or deleted newest events, show against them."""
    anchors, bad_lines = read_anchors(config.home / ANCHOR_FILE)
    anchors += [_given_anchor(text) for text in args.anchor]
    async with opened(config):
        check = await check_chain(anchors)
    result = {"intact": check.intact and not bad_lines, "events": check.events,
              "anchors": check.anchors, "first_broken": check.first_bad_id,
              "problem": check.problem, "unreadable_anchor_lines": bad_lines}
    if bad_lines:
        lines = "、".join(str(n) for n in bad_lines[:10])
        problem = f"锚点文件 {ANCHOR_FILE} 第 {lines} 行无法读取，文件被改过"
        result["problem"] = check.problem or problem
        return result, "\n".join(filter(None, [check.problem, problem])), 1
    if not check.intact:
        return result, check.problem, 1
    if check.events and not check.anchors:   # links alone can't tell a recomputed chain
        return result, (f"审计链链接完整：{check.events} 条记录；但没有锚点可核对，改写或删除"
                        "查不出来。请启动 worker 或运行 cunwu audit anchor，"
                        "并用 --anchor 核对日报上的锚点"), 0
    return result, f"审计链完整：{check.events} 条记录，与 {check.anchors} 个锚点一致", 0


def _given_anchor(text: str) -> Anchor:
    number, _, digest = text.strip().partition(":")
    digest = digest.strip().lower()
    if not number.strip().isdigit() or len(digest) != 64 or not all(
            c in "0123456789abcdef" for c in digest):
        raise InvalidInput(f"锚点“{text[:80]}”格式不对，应为“记录号:64位哈希”")
    return Anchor(int(number), digest, source="given")


async def audit_anchor(args: argparse.Namespace, config: Config) -> tuple[Any, str, int]:
    async with opened(config):
        anchor = await anchor_head(config.home / ANCHOR_FILE, "command")
        head = await chain_head()
    if head is None:
        return {"anchored": None}, "审计链还没有记录，无需记锚点", 0
    text = f"第 {head.event_id} 条记录 {head.hash}"
    if anchor is None:
        return {"anchored": head.event_id, "hash": head.hash}, f"锚点已是最新：{text}", 0
    return {"anchored": head.event_id, "hash": head.hash}, f"已记下锚点：{text}", 0


async def objection_list(args: argparse.Namespace, config: Config) -> Outcome:
    today = today_in_china()
    code = args.township or args.village
    async with opened(config):
        rows = await objections.open_objections(prefix_of(code) if code else "")
    # Masked: a villager may have typed an ID or card number; `objection reveal` shows it.
    items = [{"number": o.number, "verify_code": format_code(o.version.verify_code),
              "title": o.version.content["title"],
              "region": o.version.content["region"]["name"], "channel": o.channel,
              "text": mask_personal_numbers(o.text), "due_on": o.due_on,
              "overdue": o.due_on < today}
             for o in rows if o.due_on < today or not args.overdue]
    lines = [f"{i['number']} {'【逾期】' if i['overdue'] else ''}{i['region']} "
             f"答复期限 {i['due_on']}：{i['text'][:30]}" for i in items]
    return items, "\n".join(lines) or "没有待答复的异议"


async def objection_add(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config) as runtime:
        filed = await objections.raise_objection(
            args.code, args.text, args.contact, channel="board", cipher=runtime.cipher,
            today=today_in_china())
    number, receipt = filed.objection.number, filed.receipt_text
    url = f"{config.public_url}/o/{filed.receipt}"
    return ({"number": number, "receipt": receipt, "url": url},
            f"已登记，编号 {number}。请把回执码告诉村民（只显示这一次）：{receipt}\n"
            f"凭回执码查看处理结果：{url}")


async def objection_reveal(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config) as runtime:
        actor = await villages.get_staff(args.actor)
        shown = await reveal_objection(args.number, actor, args.reason, runtime.cipher)
    return ({"number": shown.number, "text": shown.text, "contact": shown.contact},
            f"{shown.number}（已记入审计日志）\n联系电话：{shown.contact}\n原文：{shown.text}")


async def objection_answer(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        objection = await objections.answer(args.number, actor, args.text, args.outcome,
                                            public=args.public)
    hint = ("；请修改台账（cunwu payouts amend）后用 cunwu notice correct 更正公示"
            if objection.status.value == "upheld" else "")
    return ({"number": objection.number, "status": objection.status.value},
            f"{objection.number} 已答复{hint}")


async def due(args: argparse.Namespace, config: Config) -> Outcome:
    code = args.township or args.village
    async with opened(config):
        items = await due_items(today_in_china(), prefix_of(code) if code else "")
    lines = [f"{'【逾期】' if i.overdue else '　　　　'}{i.region} {i.what}  "
             f"期限 {i.due or '—'}（{i.calendar or i.problem}）" for i in items]
    return items_as_dicts(items), "\n".join(lines) or "没有到期事项"


async def calendar_import(args: argparse.Namespace, config: Config) -> Outcome:
    text = read_file(args.file).decode("utf-8-sig")
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        count = await import_schedule(text, args.year, args.source, actor)
    return {"year": args.year, "special_days": count}, f"{args.year}年安排已录入：{count} 个特殊日"


async def catalog_list(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        await seed_catalog()
        items = await CatalogItem.all().order_by("code").values()
        programs = await Program.all().order_by("name").prefetch_related("item")
    out = {"domains": catalog.domains(), "items": items,
           "programs": [{"name": p.name, "item": p.item.code, "unit": p.unit,
                         "profile": p.profile} for p in programs]}
    lines = [f"{i['code']:<8} {i['domain']:<6} {i['name']}（{i['time_limit']}）" for i in items]
    lines += [f"  项目：{p['name']} → {p['item']}（{p['profile']}）" for p in out["programs"]]
    return out, "\n".join(lines)


async def catalog_edit(args: argparse.Namespace, config: Config) -> Outcome:
    changes = {}
    for pair in args.changes:
        key, sep, value = pair.partition("=")
        if not sep:
            raise InvalidInput(f"“{pair}”应写成 字段=值，例如 limit_days=15")
        changes[key.strip()] = value.strip()
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        item = await catalog.edit_item(args.code, changes, actor)
    return {"code": item.code, "changed": sorted(changes)}, f"已更新目录事项 {item.code}"
