"""``cunwu board …``: the printed board (村务公开栏) as a channel."""

from __future__ import annotations

import argparse

from bot.cli.args import actor_arg, command_group, json_arg


def add_board_commands(sub: argparse._SubParsersAction) -> None:
    board = command_group(sub, "board", "the village board: record postings with a photo")
    p = board.add_parser("posted", help="the notice's current version is on the board; "
                         "attach the photo (JPG/PNG)")
    p.add_argument("notice", type=int, help="notice id")
    p.add_argument("--village", required=True, help="12-digit code of the board's region")
    p.add_argument("--photo", required=True, help="photo of the posted notice")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.board:board_posted")
