"""``cunwu digest …`` and ``cunwu mp …``: the official account's digest and menu."""

from __future__ import annotations

import argparse

from bot.cli.args import actor_arg, command_group, json_arg


def add_mp_commands(sub: argparse._SubParsersAction) -> None:
    digest = command_group(sub, "digest", "the official account's daily digest")
    p = digest.add_parser("send", help="build and send the digest now (never twice a day)")
    p.add_argument("--date", help="the digest's day, YYYY-MM-DD (default: today, Beijing)")
    p.add_argument("--preview", action="store_true",
                   help="print what the digest would say; send nothing")
    p.add_argument("--retry", action="store_true",
                   help="send a failed digest again once its cause is fixed")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.mp:digest_send")

    mp = command_group(sub, "mp", "the official account (公众号)")
    menu = mp.add_parser("menu", help="the account's custom menu").add_subparsers(
        dest="menu_action", required=True, metavar="ACTION")
    p = menu.add_parser("push", help="replace the menu (default: 本村公示 / 核验公告 / 更多)")
    p.add_argument("file", nargs="?", help="menu JSON as the platform takes it")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.mp:menu_push")
    p = menu.add_parser("show", help="print the account's current menu")
    json_arg(p)
    p.set_defaults(handler="bot.commands.mp:menu_show")
