"""``cunwu county show|set``: the county settings clerks change, each change audited."""

from __future__ import annotations

import argparse

from bot.cli.args import actor_arg, command_group, json_arg


def add_county_commands(sub: argparse._SubParsersAction) -> None:
    county = command_group(sub, "county", "县级设置（每次修改记入审计）")
    p = county.add_parser("show", help="全部县级设置和各乡镇的监督电话")
    json_arg(p)
    p.set_defaults(handler="bot.commands.county:county_show")
    p = county.add_parser("set", help="修改一项设置；审计日志保存修改前后的值")
    p.add_argument("key", metavar="设置项",
                   help="official_numbers（白名单号码）| objection_answer_days（答复天数）| "
                   "personal_list_grace_days（下线宽限天数）| "
                   "supervision_phone.乡镇代码（监督电话）")
    p.add_argument("value", metavar="值", help="新的值")
    p.add_argument("--office-mobile", action="store_true",
                   help="县政务公开办管理员确认所给的手机号是办公号码（否则手机号不能作为联系电话）")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.county:county_set")
