"""``cunwu import …``, ``cunwu finance …`` and ``cunwu payouts …``."""

from __future__ import annotations

import argparse

from bot.cli.args import actor_arg, command_group, json_arg


def add_ledger_commands(sub: argparse._SubParsersAction) -> None:
    imp = command_group(sub, "import", "import ledgers")
    p = imp.add_parser("payouts", help="import a payout sheet (.xlsx/.xls/.csv) as a batch")
    p.add_argument("file")
    p.add_argument("--township", required=True, help="12-digit township code")
    p.add_argument("--program", required=True, help="e.g. 耕地地力保护补贴")
    p.add_argument("--year", required=True, type=int)
    p.add_argument("--dry-run", action="store_true", help="validate only, store nothing")
    p.add_argument("--accept-warnings", action="store_true")
    p.add_argument("--period", default="",
                   help="YYYY-MM or YYYY-Qn for monthly/quarterly programs (default: whole year)")
    p.add_argument("--replace", type=int, metavar="BATCH_ID",
                   help="a corrected sheet for this batch: a new revision, not a duplicate")
    p.add_argument("--map", action="append", default=[], metavar="列名=字段",
                   help="confirm a column the synonyms don't know, e.g. 亩数=面积 (repeatable); "
                        "remembered for the county's later sheets of the same layout")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.ledgers:import_payouts")

    p = imp.add_parser("finance", help="import a village's monthly/quarterly finance ledger")
    p.add_argument("file")
    p.add_argument("--village", required=True, help="12-digit village code")
    p.add_argument("--period", required=True, help="YYYY-MM or YYYY-Qn")
    p.add_argument("--opening", help="opening balance in yuan, for a village's first period")
    p.add_argument("--dry-run", action="store_true", help="validate only, store nothing")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.ledgers:import_finance")

    finance = command_group(sub, "finance", "village finance periods")
    p = finance.add_parser("show", help="a period's balances, entries and sign-off")
    p.add_argument("--village", required=True)
    p.add_argument("--period", required=True)
    json_arg(p)
    p.set_defaults(handler="bot.commands.ledgers:finance_show")
    p = finance.add_parser("signoff", help="the supervision committee signs off a period")
    p.add_argument("--village", required=True)
    p.add_argument("--period", required=True)
    p.add_argument("--opinion", required=True, help="e.g. 经审核，收支真实，同意公开")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.ledgers:finance_signoff")
    p = finance.add_parser("reopen", help="a township reviewer reopens a signed-off period to "
                           "fix a mis-booked entry (its disclosure then needs a correction)")
    p.add_argument("--village", required=True)
    p.add_argument("--period", required=True)
    p.add_argument("--reason", required=True, help="e.g. 记-002 电费金额记错")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.finance:finance_reopen")
    _add_entry_commands(command_group(finance, "entry", "one finance entry by hand"))

    payouts = command_group(sub, "payouts", "payout batch rows")
    p = payouts.add_parser("list", help="rows of a batch (IDs masked)")
    p.add_argument("--batch", type=int, required=True)
    p.add_argument("--village", help="12-digit village code")
    json_arg(p)
    p.set_defaults(handler="bot.commands.ledgers:payouts_list")
    p = payouts.add_parser("amend", help="fix one row; its published notices become stale")
    p.add_argument("row", type=int)
    p.add_argument("--quantity", help="the right quantity (e.g. 亩); the amount follows")
    p.add_argument("--amount", help="the right amount in yuan")
    p.add_argument("--name", help="the right name")
    p.add_argument("--reason", required=True)
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.ledgers:payouts_amend")

    p = payouts.add_parser("reveal", help="one row's full ID/bank/phone (reviewer, audited)")
    p.add_argument("row", type=int)
    p.add_argument("--reason", required=True, help="why, e.g. 核实异议 Y2026000012")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.ledgers:payouts_reveal")


def _entry_fields(p: argparse.ArgumentParser) -> None:
    p.add_argument("--date", help="e.g. 2026-10-09")
    p.add_argument("--voucher", help="凭证号")
    p.add_argument("--summary", help="摘要")
    p.add_argument("--category", help="one of the 8 categories, e.g. 各项支出")
    p.add_argument("--income", help="收入 in yuan")
    p.add_argument("--expense", help="支出 in yuan")
    p.add_argument("--handler", dest="handled_by", help="经手人")  # args.handler runs commands
    p.add_argument("--approver", help="审批人")
    p.add_argument("--note", help="备注 (not disclosed)")
    actor_arg(p)
    json_arg(p)


def _add_entry_commands(entry: argparse._SubParsersAction) -> None:
    p = entry.add_parser("add", help="add one entry to an open period (checked like the import)")
    p.add_argument("--village", required=True)
    p.add_argument("--period", required=True)
    p.add_argument("--opening", help="opening balance in yuan, for a village's first period")
    _entry_fields(p)
    p.set_defaults(handler="bot.commands.finance:finance_entry_add")
    p = entry.add_parser("edit", help="correct one entry of an open period (audited)")
    p.add_argument("entry", type=int, help="the entry id (cunwu finance show --json)")
    p.add_argument("--reason", required=True)
    _entry_fields(p)
    p.set_defaults(handler="bot.commands.finance:finance_entry_edit")
    p = entry.add_parser("delete", help="remove one entry of an open period (audited)")
    p.add_argument("entry", type=int)
    p.add_argument("--reason", required=True)
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.finance:finance_entry_delete")
