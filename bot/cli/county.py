"""``cunwu county show|set``: the county settings clerks change, each change audited."""

from __future__ import annotations

import argparse

from bot.cli.args import actor_arg, command_group, json_arg


def add_county_commands(sub: argparse._SubParsersAction) -> None:
    county = command_group(sub, "county", "county settings (audited)")
    p = county.add_parser("show", help="every county setting and each township's 监督电话")
    json_arg(p)
    p.set_defaults(handler="bot.commands.county:county_show")
    p = county.add_parser("set", help="change one setting; the audit log keeps before/after")
    p.add_argument("key", help="official_numbers | objection_answer_days | "
                   "personal_list_grace_days | supervision_phone.<township code>")
    p.add_argument("value")
    p.add_argument("--office-mobile", action="store_true",
                   help="the county admin confirms that a mobile number given is an office's "
                   "(a mobile is refused as a contact number otherwise)")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler="bot.commands.county:county_set")
