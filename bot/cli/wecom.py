"""``cunwu customer-group …``, ``cunwu wechat-group …`` and ``cunwu forward-pack …``."""

from __future__ import annotations

import argparse

from bot.cli.args import command_group, json_arg


def add_wecom_commands(sub: argparse._SubParsersAction) -> None:
    groups = command_group(sub, "customer-group", "村文书在企业微信的客户群")
    p = groups.add_parser("add", help="通过村文书（企业微信 userid）向其客户群发送")
    p.add_argument("village", metavar="村代码", help="村的12位区划代码")
    p.add_argument("--userid", required=True, metavar="USERID",
                   help="村文书的企业微信 userid（发送人）")
    p.add_argument("--name", required=True, metavar="名称", help="如 王文书的东湖村村民客户群")
    json_arg(p)
    p.set_defaults(handler="bot.commands.wecom:customer_group_add")

    wechat = command_group(sub, "wechat-group", "普通微信群（由村文书手动转发）")
    p = wechat.add_parser("add", help="登记一个收转发包的村微信群（也用于确认转发包链接登记的群）")
    p.add_argument("village", metavar="村代码", help="村的12位区划代码")
    p.add_argument("--name", required=True, metavar="群名", help="群名，如 东湖村村民群")
    json_arg(p)
    p.set_defaults(handler="bot.commands.wecom:wechat_group_add")
    p = wechat.add_parser("pending", help="转发包链接登记、等待确认的群")
    p.add_argument("village", metavar="村代码", help="村的12位区划代码")
    json_arg(p)
    p.set_defaults(handler="bot.commands.wecom:wechat_group_pending")
    p = wechat.add_parser("reject", help="转发包链接登记的群不是本村的：拒绝，以后也不再登记")
    p.add_argument("village", metavar="村代码", help="村的12位区划代码")
    p.add_argument("--name", required=True, metavar="群名", help="登记时的群名")
    json_arg(p)
    p.set_defaults(handler="bot.commands.wecom:wechat_group_reject")

    pack = command_group(sub, "forward-pack", "普通微信群的转发包")
    p = pack.add_parser("show", help="一份公示转发包的文字（≤ 2 KB）和链接")
    p.add_argument("notice", type=int, metavar="公示编号", help="公示编号")
    p.add_argument("--village", required=True, metavar="村代码", help="村的12位区划代码")
    json_arg(p)
    p.set_defaults(handler="bot.commands.wecom:forward_pack_show")
