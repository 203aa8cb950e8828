"""``cunwu verify CODE``: whether a verify code's version is current, superseded or withdrawn.

A cadre or a script asks this one question and wants the answer at once, so this command
reads the two rows it needs with the database's own driver (the standard library's sqlite3,
or asyncpg) instead of starting the ORM, whose import and set-up alone cost more than the
0.2 s the answer may take. The answer is worked out by ``notices.public.verdict.describe``,
exactly as the web page and the official account do (a test holds the two paths equal).
"""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.settings import Config
from notices.fingerprint import normalize_code, unknown_code
from notices.public.verdict import VersionFacts, describe
from villages.errors import NotFound

_COLUMNS = ("verify_code, status, number, content, fingerprint, published_at, period_start, "
            "period_end, withdrawn_reason, notice_id")
_BY_CODE = f"SELECT {_COLUMNS} FROM notice_version WHERE verify_code = $1"
_NEXT = (f"SELECT {_COLUMNS} FROM notice_version WHERE notice_id = $1 AND number > $2 "
         "ORDER BY number LIMIT 1")


async def verify(args: argparse.Namespace, config: Config) -> tuple[Any, str]:
    code = normalize_code(args.code)
    rows = await _read(config.database_url, code) if code else []
    if not rows:
        raise unknown_code(args.code)
    version, *newer = [_facts(row) for row in rows]
    c = describe(version, newer[0] if newer else None)
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


async def _read(url: str, code: str) -> list[tuple[Any, ...]]:
    """The version with ``code`` and, if it was superseded, the version after it."""
    if url.startswith("sqlite://"):
        return _read_sqlite(url.removeprefix("sqlite://").split("?", 1)[0], code)
    import asyncpg

    conn = await asyncpg.connect(url, timeout=10)
    try:
        found = await conn.fetchrow(_BY_CODE, code)
        rows = [tuple(found)] if found else []
        if found and found["status"] == "superseded":
            after = await conn.fetchrow(_NEXT, found["notice_id"], found["number"])
            rows += [tuple(after)] if after else []
        return rows
    finally:
        await conn.close()


def _read_sqlite(path: str, code: str) -> list[tuple[Any, ...]]:
    import sqlite3

    if not Path(path).exists():
        raise NotFound(f"数据库 {path} 还不存在：先运行 cunwu init")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        found = conn.execute(_BY_CODE.replace("$1", "?"), (code,)).fetchone()
        rows = [found] if found else []
        if found and found[1] == "superseded":
            after = conn.execute(_NEXT.replace("$1", "?").replace("$2", "?"),
                                 (found[9], found[2])).fetchone()
            rows += [after] if after else []
        return rows
    finally:
        conn.close()


def _facts(row: tuple[Any, ...]) -> VersionFacts:
    code, status, number, content, digest, published, start, end, reason, _ = row
    return VersionFacts(
        verify_code=code, status=status, number=number,
        content=json.loads(content) if isinstance(content, str) else content,
        fingerprint=digest, published_at=_when(published), period_start=_day(start),
        period_end=_day(end), withdrawn_reason=reason or "")


def _when(value: datetime | str) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)
