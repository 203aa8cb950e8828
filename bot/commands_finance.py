"""``cunwu finance reopen``: a township reviewer reopens a signed-off period."""

from __future__ import annotations

import argparse

from bot.commands import Outcome
from bot.runtime import opened
from bot.settings import Config
from notices.finance_notice import existing_disclosure
from notices.ledgers.finance_reopen import reopen_period
from notices.models import NoticeState
from villages import services as villages


async def finance_reopen(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        actor = await villages.get_staff(args.actor)
        done = await reopen_period(args.village, args.period, actor, args.reason)
        notice = await existing_disclosure(await villages.get_region(args.village), done.period)
    if notice and notice.state not in (NoticeState.PUBLISHED, NoticeState.CLOSED):
        notice = None   # a draft is simply made again after the new sign-off
    out = {**done.as_dict(), "notice": notice.id if notice else None}
    then = (f"；已发布的财务公开 {notice.id} 现与台账不一致，改正、重新签核后用 "
            f"cunwu notice correct {notice.id} --reason … 更正" if notice else "")
    return out, (f"{done.period} 已重新开放（第{done.revision}版），原签核已取消，"
                 f"请会计改正后重新导入，再由监督委员会重新签核{then}")
