"""``cunwu import …``, ``cunwu finance …`` and ``cunwu payouts …``."""

from __future__ import annotations

import argparse

from bot.cli.args import actor_arg, command_group, json_arg


def add_ledger_commands(sub: argparse._SubParsersAction) -> None:
    imp = command_group(sub, "import", "导入台账")
    p = imp.add_parser("payouts", help="把补贴发放清册（.xlsx/.xls/.csv）导入为一个批次")
    p.add_argument("file", metavar="文件", help="发放清册")
    p.add_argument("--township", required=True, metavar="乡镇代码", help="乡镇的12位区划代码")
    p.add_argument("--program", required=True, metavar="项目", help="如 耕地地力保护补贴")
    p.add_argument("--year", required=True, type=int, metavar="年度", help="如 2026")
    p.add_argument("--dry-run", action="store_true", help="只校验，不保存")
    p.add_argument("--accept-warnings", action="store_true",
                   help="提醒已逐条核对无误，照常导入")
    p.add_argument("--period", default="", metavar="期间",
                   help="按月或按季发放的项目写 YYYY-MM 或 YYYY-Qn（默认：全年）")
    p.add_argument("--paid-on", default="", metavar="发放时间",
                   help="补贴发放（到账）的日期或月份，如 2026-10-09 或 2026-10，印在公示上；"
                   "不写则公示上写：以“一卡通”到账时间为准")
    p.add_argument("--replace", type=int, metavar="批次号",
                   help="这是该批次更正后的清册：导入为新的一版，不算重复")
    p.add_argument("--map", action="append", default=[], metavar="列名=字段",
                   help="确认系统不认识的列，如 亩数=面积（可写多次）；"
                        "本县以后同样格式的表格会自动识别")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.ledgers:import_payouts")

    p = imp.add_parser("finance", help="导入一个村按月或按季的村级财务收支明细")
    p.add_argument("file", metavar="文件", help="财务收支明细表")
    p.add_argument("--village", required=True, metavar="村代码", help="村的12位区划代码")
    p.add_argument("--period", required=True, metavar="期间", help="YYYY-MM 或 YYYY-Qn")
    p.add_argument("--opening", metavar="元", help="期初余额（元），仅村里的第一期需要")
    p.add_argument("--dry-run", action="store_true", help="只校验，不保存")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.ledgers:import_finance")

    finance = command_group(sub, "finance", "村级财务各期")
    p = finance.add_parser("show", help="一期的余额、明细和监督委员会签核情况")
    p.add_argument("--village", required=True, metavar="村代码", help="村的12位区划代码")
    p.add_argument("--period", required=True, metavar="期间", help="YYYY-MM 或 YYYY-Qn")
    json_arg(p)
    p.set_defaults(handler="bot.commands.ledgers:finance_show")
    p = finance.add_parser("signoff", help="村务监督委员会签核一期财务")
    p.add_argument("--village", required=True, metavar="村代码", help="村的12位区划代码")
    p.add_argument("--period", required=True, metavar="期间", help="YYYY-MM 或 YYYY-Qn")
    p.add_argument("--opinion", required=True, metavar="意见", help="如 经审核，收支真实，同意公开")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.ledgers:finance_signoff")
    p = finance.add_parser("reopen", help="乡镇审核人重新打开已签核的一期以改正记错的一笔"
                           "（其公开随后需要更正）")
    p.add_argument("--village", required=True, metavar="村代码", help="村的12位区划代码")
    p.add_argument("--period", required=True, metavar="期间", help="YYYY-MM 或 YYYY-Qn")
    p.add_argument("--reason", required=True, metavar="原因", help="如 记-002 电费金额记错")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.finance:finance_reopen")
    _add_entry_commands(command_group(finance, "entry", "手工录入、修改或删除一笔财务明细"))

    payouts = command_group(sub, "payouts", "补贴批次的明细")
    p = payouts.add_parser("list", help="一个批次的明细（身份证号已遮盖）")
    p.add_argument("--batch", type=int, required=True, metavar="批次号", help="批次号")
    p.add_argument("--village", metavar="村代码", help="只看这个村（12位区划代码）")
    json_arg(p)
    p.set_defaults(handler="bot.commands.ledgers:payouts_list")
    p = payouts.add_parser("amend", help="改正一条明细；已发布的相关公示随后需要更正")
    p.add_argument("row", type=int, metavar="记录编号", help="cunwu payouts list 中的编号")
    p.add_argument("--quantity", metavar="数量", help="正确的数量（如亩数），金额随之重算")
    p.add_argument("--amount", metavar="元", help="正确的金额（元）")
    p.add_argument("--name", metavar="姓名", help="正确的姓名")
    p.add_argument("--reason", required=True, metavar="原因", help="修改原因（记入审计）")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.ledgers:payouts_amend")

    p = payouts.add_parser("reveal", help="查看一条明细的完整身份证号、账号和电话"
                           "（乡镇审核人，记入审计）")
    p.add_argument("row", type=int, metavar="记录编号", help="cunwu payouts list 中的编号")
    p.add_argument("--reason", required=True, metavar="原因",
                   help="为什么要看，如 核实异议 Y2026000012")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.ledgers:payouts_reveal")


def _entry_fields(p: argparse.ArgumentParser) -> None:
    p.add_argument("--date", metavar="日期", help="如 2026-10-09")
    p.add_argument("--voucher", metavar="凭证号", help="凭证号")
    p.add_argument("--summary", metavar="摘要", help="摘要")
    p.add_argument("--category", metavar="类别", help="8个类别之一，如 各项支出")
    p.add_argument("--income", metavar="元", help="收入（元）")
    p.add_argument("--expense", metavar="元", help="支出（元）")
    p.add_argument("--handler", dest="handled_by", metavar="经手人",  # args.handler runs commands
                   help="经手人")
    p.add_argument("--approver", metavar="审批人", help="审批人")
    p.add_argument("--note", metavar="备注", help="备注（不公开）")
    actor_arg(p)
    json_arg(p)


def _add_entry_commands(entry: argparse._SubParsersAction) -> None:
    p = entry.add_parser("add", help="向未签核的一期添加一笔（与导入同样校验）")
    p.add_argument("--village", required=True, metavar="村代码", help="村的12位区划代码")
    p.add_argument("--period", required=True, metavar="期间", help="YYYY-MM 或 YYYY-Qn")
    p.add_argument("--opening", metavar="元", help="期初余额（元），仅村里的第一期需要")
    _entry_fields(p)
    p.set_defaults(handler="bot.commands.finance:finance_entry_add")
    p = entry.add_parser("edit", help="改正未签核的一期中的一笔（记入审计）")
    p.add_argument("entry", type=int, metavar="明细编号",
                   help="明细的编号（见 cunwu finance show --json）")
    p.add_argument("--reason", required=True, metavar="原因", help="修改原因（记入审计）")
    _entry_fields(p)
    p.set_defaults(handler="bot.commands.finance:finance_entry_edit")
    p = entry.add_parser("delete", help="删除未签核的一期中的一笔（记入审计）")
    p.add_argument("entry", type=int, metavar="明细编号", help="明细的编号")
    p.add_argument("--reason", required=True, metavar="原因", help="删除原因（记入审计）")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.finance:finance_entry_delete")
