"""``cunwu notice …``, objections, consistency, deadlines, the catalog and the audit log."""

from __future__ import annotations

import argparse

from bot.cli.args import actor_arg, command_group, json_arg, region_filter
from villages.glossary import ACTION_ZH, NOTICE_STATE_ZH

STATE_CHOICES = "、".join(NOTICE_STATE_ZH.values())

# An objection's outcome as a clerk says it, and as it is stored.
_OUTCOMES = {"异议成立": "upheld", "异议不成立": "not_upheld", "已答复": "answered"}


def _outcome_arg(text: str) -> str:
    text = text.strip()
    if text in _OUTCOMES.values():
        return text
    if text not in _OUTCOMES:
        raise argparse.ArgumentTypeError(f"没有“{text}”这种结果，可选：{'、'.join(_OUTCOMES)}")
    return _OUTCOMES[text]


def add_notice_commands(sub: argparse._SubParsersAction) -> None:
    notice = command_group(sub, "notice", "起草、审核、发布公示")
    p = notice.add_parser("create", help="起草公示：一个补贴批次的各村公示、一个村一期的财务公开，"
                          "或按 notice.yaml 起草通知公告")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--batch", type=int, metavar="批次号", help="各村公示和乡镇汇总")
    source.add_argument("--finance", nargs=2, metavar=("村代码", "期间"),
                        help="一个村一期的财务公开，如 4101…001 2026-10；"
                        "对未发布的再执行一次即重新起草")
    source.add_argument("--file", metavar="文件", help="notice.yaml：标题、区划、目录事项、正文；"
                        "图片放在它旁边")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:notice_create")
    p = notice.add_parser("list", help="列出公示")
    p.add_argument("--township", metavar="乡镇代码", help="只看这个乡镇的")
    p.add_argument("--village", metavar="村代码", help="只看这个村的")
    p.add_argument("--state", metavar="状态", help=f"只看这个状态的：{STATE_CHOICES}")
    p.add_argument("--batch", type=int, metavar="批次号", help="只看这个批次的")
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:notice_list")
    p = notice.add_parser("show", help="一份公示及其各版本和送达情况")
    p.add_argument("id", type=int, metavar="公示编号")
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:notice_show")
    for action in ("submit", "approve", "reject", "publish"):
        verb = ACTION_ZH[action]
        p = notice.add_parser(action, help=f"{verb}一份公示，或一个批次的全部公示")
        target = p.add_mutually_exclusive_group(required=True)
        target.add_argument("id", type=int, nargs="?", metavar="公示编号")
        target.add_argument("--batch", type=int, metavar="批次号", help=f"{verb}该批次的公示")
        if action == "reject":
            p.add_argument("--reason", required=True, metavar="理由", help="退回理由")
        actor_arg(p)
        json_arg(p)
        p.set_defaults(handler="bot.commands.notices:notice_transition", transition=action)

    p = notice.add_parser("correct", help="按改正后的台账起草已发布公示的更正")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("id", type=int, nargs="?", metavar="公示编号")
    target.add_argument("--batch", type=int, metavar="批次号",
                        help="该批次中与台账不一致的全部公示")
    p.add_argument("--reason", required=True, metavar="理由", help="更正理由（公开）")
    p.add_argument("--file", metavar="文件", help="通知公告：更正后的 notice.yaml")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:notice_correct")
    p = notice.add_parser("withdraw", help="撤回一份已发布的公示，通知它到过的每个地方")
    p.add_argument("id", type=int, metavar="公示编号")
    p.add_argument("--reason", required=True, metavar="理由", help="撤回理由（公开）")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:notice_withdraw")

    p = notice.add_parser("close-expired",
                          help="把公示期已满的公示标为公示期满（发送进程每天自动执行）")
    json_arg(p)
    p.set_defaults(handler="bot.commands.lifecycle:notice_close_expired")
    p = notice.add_parser("archive", help="把公示期满或已撤回的公示归档")
    p.add_argument("id", type=int, metavar="公示编号")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.lifecycle:notice_archive")

    check = command_group(sub, "check", "一致性检查")
    p = check.add_parser("consistency",
                         help="每份在公示的公示 × 每个渠道；有不一致时退出码为1")
    region_filter(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:check_consistency")

    objection = command_group(sub, "objection", "村民的异议和咨询")
    p = objection.add_parser("list", help="待答复的异议，逾期的在前")
    region_filter(p)
    p.add_argument("--overdue", action="store_true", help="只看已过答复期限的")
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:objection_list")
    p = objection.add_parser("add", help="登记电话或当面收到的异议")
    p.add_argument("code", metavar="核验码", help="公示的核验码")
    p.add_argument("--text", required=True, metavar="内容", help="异议或咨询的内容")
    p.add_argument("--contact", required=True, metavar="电话", help="村民的联系电话")
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:objection_add")
    p = objection.add_parser("reveal", help="查看一条异议的全文和村民电话（写明理由，记入审计）；"
                             "列表里的号码都是隐去的")
    p.add_argument("number", metavar="异议编号", help="如 Y2026000012")
    p.add_argument("--reason", required=True, metavar="理由", help="为什么要看，如 电话答复村民")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:objection_reveal")
    p = objection.add_parser("answer", help="答复一条异议；异议成立的随后要更正公示")
    p.add_argument("number", metavar="异议编号", help="如 Y2026000012")
    p.add_argument("--text", required=True, metavar="答复", help="给村民的答复")
    p.add_argument("--outcome", required=True, type=_outcome_arg, metavar="结果",
                   help="异议成立、异议不成立 或 已答复（咨询）；"
                   "也可写 upheld、not_upheld、answered")
    p.add_argument("--public", action="store_true", help="在公示下方公开这条答复")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:objection_answer")
    p = objection.add_parser("uphold", help="答复为异议成立；加 --correct 同时起草公示的更正")
    p.add_argument("number", metavar="异议编号", help="如 Y2026000012")
    p.add_argument("--answer", required=True, metavar="答复", help="给村民的答复")
    p.add_argument("--correct", action="store_true",
                   help="现在就起草更正（补贴公示：按改正后的台账）")
    p.add_argument("--file", metavar="文件", help="通知公告：更正后的 notice.yaml")
    p.add_argument("--public", action="store_true", help="在公示下方公开这条答复")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.lifecycle:objection_uphold")

    p = sub.add_parser("due", help="到期和逾期事项：公示、异议答复、村级财务")
    region_filter(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:due")

    calendar = command_group(sub, "calendar", "计算工作日期限用的节假日安排")
    p = calendar.add_parser("import", help="录入 chinese-calendar 尚未包含的年份的节假日安排")
    p.add_argument("file", metavar="文件",
                   help="CSV：日期,休|班,名称，只写与平常周几不同的日子")
    p.add_argument("--year", type=int, required=True, metavar="年份", help="如 2027")
    p.add_argument("--source", required=True, metavar="依据",
                   help="如 国务院办公厅关于2027年部分节假日安排的通知")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:calendar_import")

    catalog = command_group(sub, "catalog", "公开事项标准目录和补贴项目")
    p = catalog.add_parser("list", help="26个试点领域、各事项和补贴项目")
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:catalog_list")
    p = catalog.add_parser("edit", help="修改（或新增）目录事项："
                           "cunwu catalog edit 事项代码 字段=值 …")
    p.add_argument("code", metavar="事项代码")
    p.add_argument("changes", nargs="+", metavar="字段=值", help="如 limit_days=15")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:catalog_edit")

    audit = command_group(sub, "audit", "哈希链审计日志")
    p = audit.add_parser("verify", help="检查每一环和每个锚点（数据目录里的锚点文件和另给的锚点）；"
                         "有断链、改写或截断时退出码为1")
    p.add_argument("--anchor", action="append", default=[], metavar="编号:哈希",
                   help="保存在别处的锚点（每日汇总、/audit 页面），可写多次")
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:audit_verify")
    p = audit.add_parser("anchor", help="现在就把审计链的最新哈希追加到锚点文件")
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:audit_anchor")
