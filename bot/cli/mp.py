"""``cunwu digest …`` and ``cunwu mp …``: the official account's digest and menu."""

from __future__ import annotations

import argparse

from bot.cli.args import actor_arg, command_group, json_arg


def add_mp_commands(sub: argparse._SubParsersAction) -> None:
    digest = command_group(sub, "digest", "公众号每日公示汇总")
    p = digest.add_parser("send", help="现在生成并发送汇总（一天最多一次）")
    p.add_argument("--date", metavar="日期", help="汇总的日期 YYYY-MM-DD（默认：北京时间今天）")
    p.add_argument("--preview", action="store_true",
                   help="只打印汇总内容，不发送")
    p.add_argument("--retry", action="store_true",
                   help="原因排除后，重新发送失败的汇总")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.mp:digest_send")

    mp = command_group(sub, "mp", "公众号")
    menu = mp.add_parser("menu", help="公众号自定义菜单").add_subparsers(
        dest="menu_action", required=True, metavar="操作", title="操作一览")
    p = menu.add_parser("push", help="替换菜单（默认：本村公示 / 核验公告 / 更多）")
    p.add_argument("file", nargs="?", metavar="文件", help="平台格式的菜单 JSON")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.mp:menu_push")
    p = menu.add_parser("show", help="打印公众号当前的菜单")
    json_arg(p)
    p.set_defaults(handler="bot.commands.mp:menu_show")
