"""``cunwu notice close-expired`` and ``cunwu notice archive``: the end of a notice's life."""

from __future__ import annotations

import argparse

from bot.commands import Outcome
from bot.runtime import opened
from bot.settings import Config
from notices import closing, lifecycle
from villages import services as villages


async def notice_close_expired(args: argparse.Namespace, config: Config) -> Outcome:
    today = lifecycle.today_in_china()
    async with opened(config):
        closed = await closing.close_expired(today)
    text = (f"已关闭 {len(closed)} 份公示期已满的公示：" + "、".join(map(str, closed))
            if closed else "没有公示期已满、仍在公示中的公示")
    return {"closed": closed, "today": today.isoformat()}, text


async def notice_archive(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        notice = await lifecycle.get_notice(args.id)
        await closing.archive(notice, actor)
    return {"id": notice.id, "state": notice.state.value}, f"公示 {notice.id} 已归档"
