"""``cunwu county show|set``: the county settings clerks change, each change audited."""

from __future__ import annotations

import argparse

from bot.cli_args import actor_arg, command_group, json_arg
from bot.commands import Outcome
from bot.runtime import opened
from bot.settings import Config
from notices import county_settings
from villages import services as villages


async def county_show(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        rows = await county_settings.list_settings()
    text = "\n".join(f"{r['key']} = {r['value'] or '（未设）'}\n    {r['help']}" for r in rows)
    return rows, text


async def county_set(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        before, after = await county_settings.set_setting(args.key, args.value, actor)
    changed = before != after
    text = (f"{args.key}：{before or '（空）'} → {after}（已记入审计日志）" if changed
            else f"{args.key} 本来就是 {after}，没有改动")
    return {"key": args.key, "before": before, "after": after, "changed": changed}, text


def add_county_commands(sub: argparse._SubParsersAction) -> None:
    county = command_group(sub, "county", "county settings clerks change (audited)")
    p = county.add_parser("show", help="every county setting and each township's 监督电话")
    json_arg(p)
    p.set_defaults(handler=county_show)
    p = county.add_parser("set", help="change one setting; the audit log keeps before/after")
    p.add_argument("key", help="official_numbers | objection_answer_days | "
                   "personal_list_grace_days | supervision_phone.<township code>")
    p.add_argument("value")
    actor_arg(p)
    json_arg(p)
    p.set_defaults(handler=county_set)
