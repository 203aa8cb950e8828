"""``cunwu board …``: the printed board (村务公开栏) as a channel."""

from __future__ import annotations

import argparse

from bot.cli.args import actor_arg, command_group, json_arg


def add_board_commands(sub: argparse._SubParsersAction) -> None:
    board = command_group(sub, "board", "村务公开栏：登记张贴并上传照片")
    p = board.add_parser("posted", help="公示的现行版本已贴上公开栏；附上照片（JPG/PNG）")
    p.add_argument("notice", type=int, metavar="公示编号", help="公示编号")
    p.add_argument("--village", required=True, metavar="村代码",
                   help="公开栏所在村（或乡镇）的12位区划代码")
    p.add_argument("--photo", required=True, metavar="照片", help="张贴后的照片")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.board:board_posted")
