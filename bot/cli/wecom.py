"""``cunwu customer-group …``, ``cunwu wechat-group …`` and ``cunwu forward-pack …``."""

from __future__ import annotations

import argparse

from bot.cli.args import command_group, json_arg


def add_wecom_commands(sub: argparse._SubParsersAction) -> None:
    groups = command_group(sub, "customer-group", "a village cadre's WeCom customer groups")
    p = groups.add_parser("add", help="reach the customer groups of a cadre (WeCom userid)")
    p.add_argument("village", help="12-digit village code")
    p.add_argument("--userid", required=True, help="the cadre's WeCom userid (the sender)")
    p.add_argument("--name", required=True, help="e.g. 王文书的东湖村村民客户群")
    json_arg(p)
    p.set_defaults(handler="bot.commands.wecom:customer_group_add")

    wechat = command_group(sub, "wechat-group", "ordinary WeChat groups (forwarded by hand)")
    p = wechat.add_parser("add", help="a village's WeChat group that gets a forward pack "
                                      "(confirms one a forward-pack link registered)")
    p.add_argument("village", help="12-digit village code")
    p.add_argument("--name", required=True, help="the group's name, e.g. 东湖村村民群")
    json_arg(p)
    p.set_defaults(handler="bot.commands.wecom:wechat_group_add")
    p = wechat.add_parser("pending", help="groups forward-pack links registered, to confirm")
    p.add_argument("village", help="12-digit village code")
    json_arg(p)
    p.set_defaults(handler="bot.commands.wecom:wechat_group_pending")
    p = wechat.add_parser("reject", help="a group a forward-pack link registered that is "
                                         "not the village's")
    p.add_argument("village", help="12-digit village code")
    p.add_argument("--name", required=True, help="the group's name as registered")
    json_arg(p)
    p.set_defaults(handler="bot.commands.wecom:wechat_group_reject")

    pack = command_group(sub, "forward-pack", "forward packs for ordinary WeChat groups")
    p = pack.add_parser("show", help="the text (≤ 2 KB) and links of a notice's pack")
    p.add_argument("notice", type=int, help="notice id")
    p.add_argument("--village", required=True, help="12-digit village code")
    json_arg(p)
    p.set_defaults(handler="bot.commands.wecom:forward_pack_show")
