"""``cunwu``: the command line. Parsing and output here; the work is in bot.commands.

Each command names its handler as "module:function", imported only when that command runs:
``cunwu --help`` needs nothing but argparse, and ``cunwu verify`` only the database and the
verify code's check, so a call answers in a fraction of a second.

Conventions other tools script against: ``--json`` prints one JSON document on stdout and
messages go to stderr; a refused action exits 1 and says why; bad usage exits 2.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import sys
from collections.abc import Callable
from typing import Any

from bot.cli.args import command_group, json_arg
from bot.cli.board import add_board_commands
from bot.cli.county import add_county_commands
from bot.cli.ledgers import add_ledger_commands
from bot.cli.mp import add_mp_commands
from bot.cli.notices import add_notice_commands
from bot.cli.targets import add_target_commands
from bot.cli.wecom import add_wecom_commands

Handler = Callable[[argparse.Namespace], Any]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cunwu", description="村务公开：补贴与村级财务公示，一次发布，处处一致。")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", help="create the database (and load the demo county)")
    p.add_argument("--demo", action="store_true",
                   help="load and publish the demo county (idempotent)")
    json_arg(p)
    p.set_defaults(handler="bot.commands.core:init")

    p = sub.add_parser("serve", help="serve the web pages (and run the worker on SQLite)")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--no-worker", action="store_true", help="don't run deliveries in-process")
    p.set_defaults(handler="bot.commands.core:serve")

    p = sub.add_parser("worker", help="deliver queued notices to WeChat channels")
    p.add_argument("--once", action="store_true", help="deliver what is due now, then exit")
    json_arg(p)
    p.set_defaults(handler="bot.commands.core:worker")

    p = sub.add_parser("settings", help="list every setting with its value and help")
    json_arg(p)
    p.set_defaults(handler="bot.commands.core:settings")

    regions = command_group(sub, "regions", "townships and villages")
    p = regions.add_parser("import", help="load regions from a CSV of 统计用区划代码 (code,name)")
    p.add_argument("file")
    json_arg(p)
    p.set_defaults(handler="bot.commands.core:regions_import")

    user = command_group(sub, "user", "staff accounts")
    p = user.add_parser("add", help="add a person or change their role and scope")
    p.add_argument("name")
    p.add_argument("--role", required=True,
                   help="county_admin|township_clerk|township_reviewer|village_cadre|"
                        "village_supervisor")
    p.add_argument("--scope", required=True, help="12-digit code of the region they look after")
    p.add_argument("--display-name", default="")
    json_arg(p)
    p.set_defaults(handler="bot.commands.core:user_add")
    p = user.add_parser("passwd", help="set a person's web console password (read from stdin)")
    p.add_argument("name")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from stdin instead of asking for it twice")
    p.set_defaults(handler="bot.commands.staff:user_passwd")
    p = user.add_parser("token", help="make a new import-API token for a person (shown once)")
    p.add_argument("name")
    json_arg(p)
    p.set_defaults(handler="bot.commands.staff:user_token")

    add_target_commands(sub)

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
    json_arg(p)
    p.set_defaults(handler="bot.commands.render:render")

    add_ledger_commands(sub)
    add_notice_commands(sub)
    add_board_commands(sub)
    add_mp_commands(sub)
    add_wecom_commands(sub)
    add_county_commands(sub)

    p = sub.add_parser("verify", help="check a verify code: current, superseded or withdrawn")
    p.add_argument("code")
    json_arg(p)
    p.set_defaults(handler="bot.commands.verify:verify")
    return parser


def emit(args: argparse.Namespace, result: Any, text: str) -> None:
    if getattr(args, "json", False):
        print(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    elif text:
        print(text)


def handler_of(args: argparse.Namespace) -> Handler:
    """The command's handler, imported now ("bot.commands.verify:verify")."""
    module, name = args.handler.split(":")
    handler: Handler = getattr(importlib.import_module(module), name)
    return handler


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from bot.settings import load_config
    from villages.errors import CunwuError

    try:
        config = load_config()
    except ValueError as exc:
        print(f"设置有误：{exc}", file=sys.stderr)
        return 2
    import logging
    logging.getLogger("tortoise").setLevel(logging.WARNING)
    logging.basicConfig(level=config.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        outcome = handler_of(args)(args, config)
        if inspect.iscoroutine(outcome):
            import asyncio
            outcome = asyncio.run(outcome)
    except CunwuError as exc:
        if getattr(args, "json", False):
            print(json.dumps(exc.as_dict(), ensure_ascii=False, indent=2, default=str))
        print(f"错误：{exc.message}", file=sys.stderr)
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
