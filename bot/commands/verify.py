"""``cunwu verify CODE``: whether a verify code's version is current, superseded or withdrawn.

Kept to the database and the check itself (no PDF, web or WeChat code is imported), so
a cadre or a script gets the answer at once.
"""

from __future__ import annotations

import argparse

from bot.commands import Outcome
from bot.db import database
from bot.settings import Config
from notices.public import verification


async def verify(args: argparse.Namespace, config: Config) -> Outcome:
    async with database(config.database_url):
        c = await verification.verify(args.code)
    text = f"{c.code}：{c.status_zh}（第{c.version}版）{c.title} · {c.region}"
    if c.superseded_by:
        text += f"\n已被核验码 {c.superseded_by} 的版本更正" + _because("更正", c.reason)
    elif c.status == "withdrawn" and c.reason.strip():
        text += f"\n撤回原因：{c.reason}"
    if c.corrects:
        text += f"\n本版更正了核验码 {c.corrects} 的版本" + _because("更正", c.correction_reason)
    if not c.intact:
        text += "\n警告：存档内容与发布时的指纹不符！"
    return c.as_dict(), text


def _because(what: str, reason: str) -> str:
    return f"，{what}原因：{reason}" if reason.strip() else ""
