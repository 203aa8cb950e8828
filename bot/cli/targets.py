"""``cunwu robot …`` and ``cunwu delivery …``: the places notices go to, and their deliveries."""

from __future__ import annotations

import argparse

from bot.cli.args import actor_arg, command_group, json_arg


def add_target_commands(sub: argparse._SubParsersAction) -> None:
    robot = command_group(sub, "robot", "村里的企业微信群机器人（及其他投递目标）")
    p = robot.add_parser("add", help="登记一个村的企业微信群机器人（webhook key）")
    p.add_argument("village", help="12位村代码")
    p.add_argument("--key", required=True, help="webhook key（保密）")
    p.add_argument("--name", required=True, help="群名，例如 东湖村村务工作群")
    json_arg(p)
    p.set_defaults(handler="bot.commands.core:robot_add")

    p = robot.add_parser("list", help="列出投递目标：编号、所属村、是否停用、失败和排队的投递数")
    p.add_argument("--region", default="", metavar="CODE",
                   help="只列这个区划（县、乡镇或村的12位代码）下的")
    json_arg(p)
    p.set_defaults(handler="bot.commands.targets:robot_list")

    p = robot.add_parser("send-current", help="把村里正在公示的公示补发给新登记的目标")
    p.add_argument("which", metavar="VILLAGE|TARGET",
                   help="12位村代码（该村所有在用目标），或投递目标编号（见 cunwu robot list）")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.targets:robot_send_current")

    p = robot.add_parser("disable", help="停用一个投递目标：不再给它发送，排队中的投递作废")
    p.add_argument("target", type=int, metavar="TARGET", help="投递目标编号（见 cunwu robot list）")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.targets:robot_disable")

    delivery = command_group(sub, "delivery", "投递记录")
    p = delivery.add_parser("resend", help="重发一条发送失败的投递（已送达的消息不会重复发）")
    p.add_argument("delivery", type=int, metavar="ID",
                   help="投递编号（见 cunwu notice show 或 cunwu robot list）")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.targets:delivery_resend")
