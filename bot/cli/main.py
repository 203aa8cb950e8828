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

from bot.cli.args import ROLE_CHOICES, command_group, json_arg, role_arg
from bot.cli.board import add_board_commands
from bot.cli.county import add_county_commands
from bot.cli.ledgers import add_ledger_commands
from bot.cli.mp import add_mp_commands
from bot.cli.notices import add_notice_commands
from bot.cli.problems import details_lines
from bot.cli.targets import add_target_commands
from bot.cli.wecom import add_wecom_commands
from bot.cli.zh import ChineseArgumentParser

Handler = Callable[[argparse.Namespace], Any]


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="cunwu", description="村务公开：补贴与村级财务公示，一次发布，处处一致。")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令",
                                title="命令一览")

    p = sub.add_parser("init", help="建立数据库（可同时载入演示县）")
    p.add_argument("--demo", action="store_true",
                   help="载入演示县并发布其公示（重复执行不会重复载入）")
    json_arg(p)
    p.set_defaults(handler="bot.commands.core:init")

    p = sub.add_parser("serve", help="启动网页服务（SQLite 时同时在本进程发送公示）")
    p.add_argument("--host", default=None, metavar="地址", help="监听的地址（默认见设置）")
    p.add_argument("--port", type=int, default=None, metavar="端口",
                   help="监听的端口（默认见设置）")
    p.add_argument("--no-worker", action="store_true", help="不在本进程发送公示")
    p.set_defaults(handler="bot.commands.core:serve")

    p = sub.add_parser("worker", help="把待发送的公示送到各微信渠道")
    p.add_argument("--once", action="store_true", help="只发送眼下到期的，然后退出")
    json_arg(p)
    p.set_defaults(handler="bot.commands.core:worker")

    p = sub.add_parser("settings", help="列出每项设置的当前值和说明")
    json_arg(p)
    p.set_defaults(handler="bot.commands.core:settings")

    regions = command_group(sub, "regions", "乡镇和村的区划")
    p = regions.add_parser("import", help="从统计用区划代码 CSV（代码,名称）载入区划")
    p.add_argument("file", metavar="文件", help="CSV 文件")
    json_arg(p)
    p.set_defaults(handler="bot.commands.core:regions_import")

    user = command_group(sub, "user", "工作人员账号")
    p = user.add_parser("add", help="添加工作人员，或修改其角色和负责范围")
    p.add_argument("name", metavar="用户名")
    p.add_argument("--role", required=True, type=role_arg, metavar="角色",
                   help=f"{ROLE_CHOICES}（也可写英文存储值，如 township_clerk）")
    p.add_argument("--scope", required=True, metavar="区划代码",
                   help="其负责区域的12位区划代码")
    p.add_argument("--display-name", default="", metavar="显示名", help="页面上显示的名字")
    json_arg(p)
    p.set_defaults(handler="bot.commands.core:user_add")
    p = user.add_parser("passwd", help="设置工作人员登录网页工作台的密码")
    p.add_argument("name", metavar="用户名")
    p.add_argument("--password-stdin", action="store_true",
                   help="从标准输入读取密码，不再询问两遍")
    p.set_defaults(handler="bot.commands.staff:user_passwd")
    p = user.add_parser("token", help="为工作人员生成新的导入接口令牌（只显示这一次）")
    p.add_argument("name", metavar="用户名")
    json_arg(p)
    p.set_defaults(handler="bot.commands.staff:user_token")

    add_target_commands(sub)

    p = sub.add_parser("render", help="生成一份公示的公开栏 PDF，或整个乡镇的")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("notice", type=int, nargs="?", metavar="公示编号", help="公示编号")
    which.add_argument("--township", metavar="乡镇代码", help="该乡镇各批次的全部公示")
    which.add_argument("--county", nargs="?", const="", metavar="县代码",
                       help="县内每个乡镇（不写代码则为全部）")
    p.add_argument("--program", metavar="项目", help="批次的项目，如 耕地地力保护补贴（仅限批次）")
    p.add_argument("--year", type=int, metavar="年度", help="批次的年度（仅限批次）")
    p.add_argument("-o", "--output", required=True, metavar="路径",
                   help="一份公示时为 PDF 文件；--township/--county 时为目录")
    p.add_argument("--paper", choices=("A4", "A3"), default="A4", help="纸张（默认 A4）")
    p.add_argument("--landscape", action="store_true", help="横向，适合列多的表格")
    p.add_argument("--large-print", action="store_true", help="大字版，正文16磅")
    p.add_argument("--workers", type=int, metavar="进程数",
                   help="同时生成的进程数（默认：全部处理器核心）")
    json_arg(p)
    p.set_defaults(handler="bot.commands.render:render")

    add_ledger_commands(sub)
    add_notice_commands(sub)
    add_board_commands(sub)
    add_mp_commands(sub)
    add_wecom_commands(sub)
    add_county_commands(sub)

    p = sub.add_parser("verify", help="核验一个核验码：现行、已被更正替代还是已撤回")
    p.add_argument("code", metavar="核验码", help="如 7F3K-92QD")
    json_arg(p)
    p.set_defaults(handler="bot.commands.verify:verify")
    return parser


def emit(args: argparse.Namespace, result: Any, text: str) -> None:
    if getattr(args, "json", False):
        print_json(result)
    elif text:
        print(text)


def print_json(document: Any) -> None:
    """One JSON document on stdout, always UTF-8 with Chinese as it is (not \\u escapes),
    whatever the terminal's or the pipe's locale says: scripts read it as UTF-8."""
    data = (json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n").encode()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a replaced stdout without bytes underneath
        sys.stdout.write(data.decode())
        return
    sys.stdout.flush()
    buffer.write(data)
    buffer.flush()


def _tolerate_narrow_encodings() -> None:
    # A GBK console or PYTHONIOENCODING=ascii must not turn a message into a traceback:
    # what the stream cannot encode becomes "?" instead.
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
        if encoding != "utf8" and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def handler_of(args: argparse.Namespace) -> Handler:
    """The command's handler, imported now ("bot.commands.verify:verify")."""
    module, name = args.handler.split(":")
    handler: Handler = getattr(importlib.import_module(module), name)
    return handler


def main(argv: list[str] | None = None) -> int:
    _tolerate_narrow_encodings()
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
            print_json(exc.as_dict())
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
    for line in details_lines(details):
        print(line, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
