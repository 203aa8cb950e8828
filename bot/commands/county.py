"""Handlers of ``cunwu county show|set``: the county settings clerks change, audited."""

from __future__ import annotations

import argparse

from bot.commands import Outcome
from bot.runtime import opened
from bot.settings import Config
from notices.county import settings as county_settings
from villages import services as villages


async def county_show(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        rows = await county_settings.list_settings()
    text = "\n".join(f"{r['key']} = {r['value'] or '（未设）'}\n    {r['help']}" for r in rows)
    return rows, text


async def county_set(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        before, after = await county_settings.set_setting(
            args.key, args.value, actor, office_mobile=args.office_mobile)
    changed = before != after
    text = (f"{args.key}：{before or '（空）'} → {after}（已记入审计日志）" if changed
            else f"{args.key} 本来就是 {after}，没有改动")
    return {"key": args.key, "before": before, "after": after, "changed": changed}, text
