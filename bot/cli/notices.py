"""``cunwu notice …``, objections, consistency, deadlines, the catalog and the audit log."""

from __future__ import annotations

import argparse

from bot.cli.args import actor_arg, command_group, json_arg, region_filter


def add_notice_commands(sub: argparse._SubParsersAction) -> None:
    notice = command_group(sub, "notice", "draft, review and publish notices")
    p = notice.add_parser("create", help="draft the notices of a payout batch, a village's "
                          "finance disclosure, or a general notice (通知公告) from a notice.yaml")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--batch", type=int, help="village notices and the township summary")
    source.add_argument("--finance", nargs=2, metavar=("VILLAGE", "PERIOD"),
                        help="finance disclosure of a village period, e.g. 4101…001 2026-10; "
                        "again on an unpublished one redrafts it")
    source.add_argument("--file", help="notice.yaml: title, region, catalog_item, body; "
                        "pictures next to it")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:notice_create")
    p = notice.add_parser("list", help="list notices")
    p.add_argument("--township")
    p.add_argument("--village")
    p.add_argument("--state")
    p.add_argument("--batch", type=int)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:notice_list")
    p = notice.add_parser("show", help="one notice with its versions and deliveries")
    p.add_argument("id", type=int)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:notice_show")
    for action in ("submit", "approve", "reject", "publish"):
        p = notice.add_parser(action, help=f"{action} a notice, or every notice of a batch")
        target = p.add_mutually_exclusive_group(required=True)
        target.add_argument("id", type=int, nargs="?")
        target.add_argument("--batch", type=int)
        if action == "reject":
            p.add_argument("--reason", required=True)
        actor_arg(p)
        json_arg(p)
        p.set_defaults(handler="bot.commands.notices:notice_transition", transition=action)

    p = notice.add_parser("correct", help="redraft a published notice from the amended ledger")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("id", type=int, nargs="?")
    target.add_argument("--batch", type=int, help="every stale notice of the batch")
    p.add_argument("--reason", required=True)
    p.add_argument("--file", help="general notices: the corrected notice.yaml")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:notice_correct")
    p = notice.add_parser("withdraw", help="withdraw a published notice everywhere it went")
    p.add_argument("id", type=int)
    p.add_argument("--reason", required=True)
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:notice_withdraw")

    p = notice.add_parser("close-expired",
                          help="close published notices whose 公示期 has ended (the worker "
                          "does this daily)")
    json_arg(p)
    p.set_defaults(handler="bot.commands.lifecycle:notice_close_expired")
    p = notice.add_parser("archive", help="archive a closed or withdrawn notice")
    p.add_argument("id", type=int)
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.lifecycle:notice_archive")

    check = command_group(sub, "check", "consistency checks")
    p = check.add_parser("consistency",
                         help="every live notice × channel; exits 1 if anything is stale")
    region_filter(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:check_consistency")

    objection = command_group(sub, "objection", "villagers' objections and questions (异议/咨询)")
    p = objection.add_parser("list", help="open objections, the overdue ones first")
    region_filter(p)
    p.add_argument("--overdue", action="store_true", help="only those past their answer date")
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:objection_list")
    p = objection.add_parser("add", help="record one received by phone or in person")
    p.add_argument("code", help="verify code of the notice")
    p.add_argument("--text", required=True)
    p.add_argument("--contact", required=True, help="the villager's phone")
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:objection_add")
    p = objection.add_parser("reveal", help="one objection's full text and the villager's "
                             "phone (audited, with a reason); listings show numbers masked")
    p.add_argument("number")
    p.add_argument("--reason", required=True, help="why, e.g. 电话答复村民")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:objection_reveal")
    p = objection.add_parser("answer", help="answer one; upheld ones lead to a correction")
    p.add_argument("number")
    p.add_argument("--text", required=True)
    p.add_argument("--outcome", required=True, choices=["upheld", "not_upheld", "answered"])
    p.add_argument("--public", action="store_true", help="show the answer under the notice")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:objection_answer")
    p = objection.add_parser("uphold", help="answer as upheld and, with --correct, draft the "
                             "notice's correction in the same step")
    p.add_argument("number")
    p.add_argument("--answer", required=True, help="the answer to the villager")
    p.add_argument("--correct", action="store_true",
                   help="draft the correction now (payouts: from the amended ledger)")
    p.add_argument("--file", help="general notices: the corrected notice.yaml")
    p.add_argument("--public", action="store_true", help="show the answer under the notice")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.lifecycle:objection_uphold")

    p = sub.add_parser("due", help="what is due or overdue: notices, answers, finance")
    region_filter(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:due")

    calendar = command_group(sub, "calendar", "the holiday schedule for working-day deadlines")
    p = calendar.add_parser("import", help="enter a year chinese-calendar does not cover yet")
    p.add_argument("file", help="CSV: date,休|班,name — only days that differ from weekdays")
    p.add_argument("--year", type=int, required=True)
    p.add_argument("--source", required=True,
                   help="e.g. 国务院办公厅关于2027年部分节假日安排的通知")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:calendar_import")

    catalog = command_group(sub, "catalog", "the standard catalog of disclosure items and programs")
    p = catalog.add_parser("list", help="the 26 domains, the items and the programs")
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:catalog_list")
    p = catalog.add_parser("edit", help="edit (or add) an item: cunwu catalog edit CODE k=v …")
    p.add_argument("code")
    p.add_argument("changes", nargs="+", metavar="FIELD=VALUE")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:catalog_edit")

    audit = command_group(sub, "audit", "the hash-chained audit log")
    p = audit.add_parser("verify", help="check every link and every anchor (the file in the "
                         "data folder, and any given); exits 1 on a break, rewrite or truncation")
    p.add_argument("--anchor", action="append", default=[], metavar="ID:HASH",
                   help="an anchor kept elsewhere (daily digest, /audit page); repeatable")
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:audit_verify")
    p = audit.add_parser("anchor", help="append the chain's head to the anchor file now")
    json_arg(p)
    p.set_defaults(handler="bot.commands.notices:audit_anchor")
