"""``cunwu``: the command line. Parsing and output here; the work is in bot.commands.

Conventions other tools script against: ``--json`` prints one JSON document on stdout and
messages go to stderr; a refused action exits 1 and says why; bad usage exits 2.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Callable
from typing import Any

from bot import commands, commands_ledgers, commands_notices
from bot.settings import load_config
from villages.errors import CunwuError

Handler = Callable[[argparse.Namespace], Any]


def _actor(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as", dest="actor", default="admin", metavar="USER",
                   help="who is doing this (default: admin)")


def _region_filter(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group()
    where.add_argument("--township", help="12-digit township code")
    where.add_argument("--village", help="12-digit village code")


def _json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON document on stdout")


def _group(sub: argparse._SubParsersAction, name: str, help: str) -> argparse._SubParsersAction:
    """A command whose actions are sub-commands (``cunwu notice publish``)."""
    return sub.add_parser(name, help=help).add_subparsers(
        dest="action", required=True, metavar="ACTION")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cunwu", description="村务公开：补贴与村级财务公示，一次发布，处处一致。")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", help="create the database (and load the demo county)")
    p.add_argument("--demo", action="store_true",
                   help="load and publish the demo county (idempotent)")
    _json(p)
    p.set_defaults(handler=commands.init)

    p = sub.add_parser("serve", help="serve the web pages (and run the worker on SQLite)")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--no-worker", action="store_true", help="don't run deliveries in-process")
    p.set_defaults(handler=commands.serve)

    p = sub.add_parser("worker", help="deliver queued notices to WeChat channels")
    p.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    _json(p)
    p.set_defaults(handler=commands.worker)

    p = sub.add_parser("settings", help="list every setting with its value and help")
    _json(p)
    p.set_defaults(handler=commands.settings)

    regions = _group(sub, "regions", "townships and villages")
    p = regions.add_parser("import", help="load regions from a CSV of 统计用区划代码 (code,name)")
    p.add_argument("file")
    _json(p)
    p.set_defaults(handler=commands.regions_import)

    user = _group(sub, "user", "staff accounts")
    p = user.add_parser("add", help="add a person or change their role and scope")
    p.add_argument("name")
    p.add_argument("--role", required=True,
                   help="county_admin|township_clerk|township_reviewer|village_cadre|"
                        "village_supervisor")
    p.add_argument("--scope", required=True, help="12-digit code of the region they look after")
    p.add_argument("--display-name", default="")
    _json(p)
    p.set_defaults(handler=commands.user_add)

    robot = _group(sub, "robot", "WeCom group robots of villages")
    p = robot.add_parser("add", help="register a village's WeCom group robot webhook key")
    p.add_argument("village", help="12-digit village code")
    p.add_argument("--key", required=True, help="the webhook key (secret)")
    p.add_argument("--name", required=True, help="group name, e.g. 东湖村村务工作群")
    _json(p)
    p.set_defaults(handler=commands.robot_add)

    imp = _group(sub, "import", "import ledgers")
    p = imp.add_parser("payouts", help="import a payout sheet (.xlsx/.xls/.csv) as a batch")
    p.add_argument("file")
    p.add_argument("--township", required=True, help="12-digit township code")
    p.add_argument("--program", required=True, help="e.g. 耕地地力保护补贴")
    p.add_argument("--year", required=True, type=int)
    p.add_argument("--dry-run", action="store_true", help="validate only, store nothing")
    p.add_argument("--accept-warnings", action="store_true")
    _actor(p)
    _json(p)
    p.set_defaults(handler=commands_ledgers.import_payouts)

    p = imp.add_parser("finance", help="import a village's monthly/quarterly finance ledger")
    p.add_argument("file")
    p.add_argument("--village", required=True, help="12-digit village code")
    p.add_argument("--period", required=True, help="YYYY-MM or YYYY-Qn")
    p.add_argument("--opening", help="opening balance in yuan, for a village's first period")
    p.add_argument("--dry-run", action="store_true", help="validate only, store nothing")
    _actor(p)
    _json(p)
    p.set_defaults(handler=commands_ledgers.import_finance)

    finance = _group(sub, "finance", "village finance periods")
    p = finance.add_parser("show", help="a period's balances, entries and sign-off")
    p.add_argument("--village", required=True)
    p.add_argument("--period", required=True)
    _json(p)
    p.set_defaults(handler=commands_ledgers.finance_show)
    p = finance.add_parser("signoff", help="the supervision committee signs off a period")
    p.add_argument("--village", required=True)
    p.add_argument("--period", required=True)
    p.add_argument("--opinion", required=True, help="e.g. 经审核，收支真实，同意公开")
    _actor(p)
    _json(p)
    p.set_defaults(handler=commands_ledgers.finance_signoff)

    notice = _group(sub, "notice", "draft, review and publish notices")
    p = notice.add_parser("create", help="draft the village notices and township summary")
    p.add_argument("--batch", type=int, required=True)
    _actor(p)
    _json(p)
    p.set_defaults(handler=commands_notices.notice_create)
    p = notice.add_parser("list", help="list notices")
    p.add_argument("--township")
    p.add_argument("--village")
    p.add_argument("--state")
    p.add_argument("--batch", type=int)
    _json(p)
    p.set_defaults(handler=commands_notices.notice_list)
    p = notice.add_parser("show", help="one notice with its versions and deliveries")
    p.add_argument("id", type=int)
    _json(p)
    p.set_defaults(handler=commands_notices.notice_show)
    for action in ("submit", "approve", "reject", "publish"):
        p = notice.add_parser(action, help=f"{action} a notice, or every notice of a batch")
        target = p.add_mutually_exclusive_group(required=True)
        target.add_argument("id", type=int, nargs="?")
        target.add_argument("--batch", type=int)
        if action == "reject":
            p.add_argument("--reason", required=True)
        _actor(p)
        _json(p)
        p.set_defaults(handler=commands_notices.notice_transition, transition=action)

    p = notice.add_parser("correct", help="redraft a published notice from the amended ledger")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("id", type=int, nargs="?")
    target.add_argument("--batch", type=int, help="every stale notice of the batch")
    p.add_argument("--reason", required=True)
    _actor(p)
    _json(p)
    p.set_defaults(handler=commands_notices.notice_correct)
    p = notice.add_parser("withdraw", help="withdraw a published notice everywhere it went")
    p.add_argument("id", type=int)
    p.add_argument("--reason", required=True)
    _actor(p)
    _json(p)
    p.set_defaults(handler=commands_notices.notice_withdraw)

    payouts = _group(sub, "payouts", "payout batch rows")
    p = payouts.add_parser("list", help="rows of a batch (IDs masked)")
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--village", help="12-digit village code")
    _json(p)
    p.set_defaults(handler=commands_ledgers.payouts_list)
    p = payouts.add_parser("amend", help="fix one row; its published notices become stale")
    p.add_argument("row", type=int)
    p.add_argument("--quantity", help="the right quantity (e.g. 亩); the amount follows")
    p.add_argument("--amount", help="the right amount in yuan")
    p.add_argument("--name", help="the right name")
    p.add_argument("--reason", required=True)
    _actor(p)
    _json(p)
    p.set_defaults(handler=commands_ledgers.payouts_amend)

    p = payouts.add_parser("reveal", help="one row's full ID/bank/phone (reviewer, audited)")
    p.add_argument("row", type=int)
    p.add_argument("--reason", required=True, help="why, e.g. 核实异议 Y2026000012")
    _actor(p)
    _json(p)
    p.set_defaults(handler=commands_ledgers.payouts_reveal)

    check = _group(sub, "check", "consistency checks")
    p = check.add_parser("consistency",
                         help="every live notice × channel; exits 1 if anything is stale")
    _region_filter(p)
    _json(p)
    p.set_defaults(handler=commands_notices.check_consistency)

    p = sub.add_parser("render", help="write the board PDF of a notice, or of whole townships")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("notice", type=int, nargs="?", help="notice id")
    which.add_argument("--township", metavar="CODE", help="every notice of the township's batches")
    which.add_argument("--county", nargs="?", const="", metavar="CODE",
                       help="every township (of the county CODE, or all)")
    p.add_argument("--program", help="batch program, e.g. 耕地地力保护补贴 (batch only)")
    p.add_argument("--year", type=int, help="batch year (batch only)")
    p.add_argument("-o", "--output", required=True,
                   help="PDF file for one notice; directory for --township/--county")
    p.add_argument("--paper", choices=("A4", "A3"), default="A4")
    p.add_argument("--landscape", action="store_true", help="for wide tables")
    p.add_argument("--large-print", action="store_true", help="body text 16 pt")
    p.add_argument("--workers", type=int, help="processes to render with (default: all cores)")
    _json(p)
    p.set_defaults(handler=commands.render)

    objection = _group(sub, "objection", "villagers' objections and questions (异议/咨询)")
    p = objection.add_parser("list", help="open objections, the overdue ones first")
    _region_filter(p)
    p.add_argument("--overdue", action="store_true", help="only those past their answer date")
    _json(p)
    p.set_defaults(handler=commands_notices.objection_list)
    p = objection.add_parser("add", help="record one received by phone or in person")
    p.add_argument("code", help="verify code of the notice")
    p.add_argument("--text", required=True)
    p.add_argument("--contact", required=True, help="the villager's phone")
    _json(p)
    p.set_defaults(handler=commands_notices.objection_add)
    p = objection.add_parser("answer", help="answer one; upheld ones lead to a correction")
    p.add_argument("number")
    p.add_argument("--text", required=True)
    p.add_argument("--outcome", required=True, choices=["upheld", "not_upheld", "answered"])
    p.add_argument("--public", action="store_true", help="show the answer under the notice")
    _actor(p)
    _json(p)
    p.set_defaults(handler=commands_notices.objection_answer)

    p = sub.add_parser("due", help="what is due or overdue: notices, answers, finance")
    _region_filter(p)
    _json(p)
    p.set_defaults(handler=commands_notices.due)

    calendar = _group(sub, "calendar", "the holiday schedule for working-day deadlines")
    p = calendar.add_parser("import", help="enter a year chinese-calendar does not cover yet")
    p.add_argument("file", help="CSV: date,休|班,name — only days that differ from weekdays")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--source", required=True,
                   help="e.g. 国务院办公厅关于2027年部分节假日安排的通知")
    _actor(p)
    _json(p)
    p.set_defaults(handler=commands_notices.calendar_import)

    catalog = _group(sub, "catalog", "the standard catalog of disclosure items and programs")
    p = catalog.add_parser("list", help="the 26 domains, the items and the programs")
    _json(p)
    p.set_defaults(handler=commands_notices.catalog_list)
    p = catalog.add_parser("edit", help="edit (or add) an item: cunwu catalog edit CODE k=v …")
    p.add_argument("code")
    p.add_argument("changes", nargs="+", metavar="FIELD=VALUE")
    _actor(p)
    _json(p)
    p.set_defaults(handler=commands_notices.catalog_edit)

    audit = _group(sub, "audit", "the hash-chained audit log")
    p = audit.add_parser("verify", help="find the first broken link; exits 1 if there is one")
    _json(p)
    p.set_defaults(handler=commands_notices.audit_verify)

    p = sub.add_parser("verify", help="check a verify code: current, superseded or withdrawn")
    p.add_argument("code")
    _json(p)
    p.set_defaults(handler=commands.verify)
    return parser


def emit(args: argparse.Namespace, result: Any, text: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    elif text:
        print(text)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = load_config()
    except ValueError as exc:
        print(f"设置有误 / bad setting: {exc}", file=sys.stderr)
        return 2
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    logging.basicConfig(level=config.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        outcome = args.handler(args, config)
        if asyncio.iscoroutine(outcome):
            outcome = asyncio.run(outcome)
    except CunwuError as exc:
        if getattr(args, "json", False):
            print(json.dumps(exc.as_dict(), ensure_ascii=False, indent=2, default=str))
        print(f"错误 / error: {exc.message}", file=sys.stderr)
        _print_details(exc.details)
        return 1
    except KeyboardInterrupt:
        return 130
    if outcome is None:
        return 0
    result, text, *status = outcome
    try:
        emit(args, result, text)
    except BrokenPipeError:  # `cunwu … | head`: the reader has all it wanted
        sys.stderr.close()  # and Python must not complain about stdout on the way out
    return status[0] if status else 0


def _print_details(details: Any) -> None:
    problems = details.get("problems") if isinstance(details, dict) else details
    if isinstance(problems, list):
        for item in problems[:50]:
            if isinstance(item, dict):
                where = " ".join(f"{k}={item[k]}" for k in ("sheet", "row", "column", "value")
                                 if item.get(k) not in (None, ""))
                print(f"  - {where}: {item.get('message', '')}", file=sys.stderr)
        if len(problems) > 50:
            print(f"  … 另有 {len(problems) - 50} 处", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
