"""The end of a notice's life and what an objection can lead to: ``cunwu notice
close-expired``, ``cunwu notice archive``, ``cunwu objection uphold``."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.commands import Outcome
from bot.runtime import opened
from bot.settings import Config
from notices.clock import today_in_china
from notices.kinds import general
from notices.lifecycle import closing, objection_outcomes
from notices.models import get_notice
from villages import services as villages


async def notice_close_expired(args: argparse.Namespace, config: Config) -> Outcome:
    today = today_in_china()
    async with opened(config):
        closed = await closing.close_expired(today)
    text = (f"已关闭 {len(closed)} 份公示期已满的公示：" + "、".join(map(str, closed))
            if closed else "没有公示期已满、仍在公示中的公示")
    return {"closed": closed, "today": today.isoformat()}, text


async def notice_archive(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        notice = await get_notice(args.id)
        await closing.archive(notice, actor)
    return {"id": notice.id, "state": notice.state.value}, f"公示 {notice.id} 已归档"


async def objection_uphold(args: argparse.Namespace, config: Config) -> Outcome:
    draft = general.load_notice_yaml(Path(args.file)) if args.file else None
    async with opened(config) as runtime:
        actor = await villages.get_staff(args.actor)
        done = await objection_outcomes.uphold(
            args.number, actor, args.answer, public=args.public, correct=args.correct,
            draft=draft, store=runtime.store)
    number = done.objection.number
    if not done.corrected:
        hint = "；改正后用 cunwu notice correct 更正公示，或下次加 --correct 一步完成"
        return {"number": number, "status": "upheld", "correction": []}, f"{number} 已答复{hint}"
    ids = "、".join(map(str, done.corrected))
    return ({"number": number, "status": "upheld", "correction": done.corrected},
            f"{number} 已答复（异议成立）；公示 {ids} 的更正已起草，"
            "审核通过并发布后替代原版本")
