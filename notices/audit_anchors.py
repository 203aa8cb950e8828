"""Anchors of the audit chain outside the database, and the check against them.

The chain alone proves nothing to someone who can write the database: they can edit an
event and recompute every hash after it, or delete the newest events, and the chain still
links. An *anchor* is the chain's head (event id and hash) at some moment, kept where the
database can't reach it:

- an append-only file in the data folder (``audit-anchors.jsonl``), written by every
  worker whenever the head moved (``anchor_head``) and by ``cunwu audit anchor``;
- the daily digest article, read and kept by the public on WeChat;
- the public page ``/audit``, which anyone may save.

Each anchor commits to every event up to it, so ``check_chain`` finds a rewrite (the
event at an anchored id hashes differently) and a truncation (an anchored id is gone).
Events after the newest anchor are only as safe as the database until the next one.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from notices.audit import GENESIS, link_of
from notices.clock import CHINA
from notices.models import AuditEvent

ANCHOR_FILE = "audit-anchors.jsonl"
_PAGE = 5000   # events read per query while walking the chain
_TAIL_BYTES = 64 * 1024


@dataclass(frozen=True)
class Anchor:
    event_id: int
    hash: str
    at: str = ""        # when it was taken (Beijing time, ISO)
    source: str = ""    # worker, command, digest, or what a person brought to the check


@dataclass(frozen=True)
class ChainCheck:
    events: int
    anchors: int
    problem: str = ""                 # in Chinese, for the clerk; "" when all holds
    first_bad_id: int | None = None

    @property
    def intact(self) -> bool:
        return not self.problem


async def chain_head() -> Anchor | None:
    """The newest event, as an anchor (None for an empty chain)."""
    last = await AuditEvent.all().order_by("-id").only("id", "hash").first()
    return Anchor(last.id, last.hash) if last else None


def _parse(line: str) -> Anchor | None:
    try:
        data = json.loads(line)
        return Anchor(int(data["id"]), str(data["hash"]), str(data.get("at", "")),
                      str(data.get("source", "")))
    except (ValueError, KeyError, TypeError):
        return None


def read_anchors(path: Path) -> tuple[list[Anchor], list[int]]:
    """The anchors in the file, and the numbers of the lines that could not be read (a
    line is never rewritten, so an unreadable one means someone edited the file)."""
    if not path.exists():
        return [], []
    anchors, bad = [], []
    for number, line in enumerate(path.read_text("utf-8", errors="replace").splitlines(), 1):
        anchor = _parse(line)
        if anchor is None:
            bad.append(number)
        else:
            anchors.append(anchor)
    return anchors, bad


def latest_anchors(path: Path, count: int) -> list[Anchor]:
    """The newest ``count`` anchors, newest first, reading only the end of the file (it
    grows by a line whenever the chain moved, for years)."""
    if not path.exists():
        return []
    with path.open("rb") as fh:
        start = max(0, fh.seek(0, os.SEEK_END) - _TAIL_BYTES)
        fh.seek(start)
        lines = fh.read().decode("utf-8", errors="replace").splitlines()
    if start > 0:
        lines = lines[1:]   # the first line read may be cut
    anchors = [a for a in map(_parse, reversed(lines)) if a is not None]
    return anchors[:count]


def append_anchor(path: Path, anchor: Anchor) -> None:
    """One line, one write, O_APPEND: writers on the same host never interleave."""
    line = json.dumps({"id": anchor.event_id, "hash": anchor.hash, "at": anchor.at,
                       "source": anchor.source}, ensure_ascii=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)


async def anchor_head(path: Path, source: str) -> Anchor | None:
    """Append the current head unless the file's newest anchor already is it."""
    head = await chain_head()
    if head is None:
        return None
    newest = latest_anchors(path, 1)
    if newest and (newest[0].event_id, newest[0].hash) == (head.event_id, head.hash):
        return None
    anchor = Anchor(head.event_id, head.hash,
                    datetime.now(CHINA).replace(microsecond=0).isoformat(), source)
    append_anchor(path, anchor)
    return anchor


async def check_chain(anchors: list[Anchor]) -> ChainCheck:
    """Walk the chain once: every link must hold, and every anchor must be in it."""
    wanted = {a.event_id for a in anchors}
    found: dict[int, str] = {}
    prev, last_id, count = GENESIS, 0, 0
    while True:
        page = await AuditEvent.filter(id__gt=last_id).order_by("id").limit(_PAGE)
        for event in page:
            if event.prev_hash != prev or event.hash != link_of(event):
                return ChainCheck(count, len(anchors), f"审计链在第 {event.id} 条记录处断开"
                                  f"（{event.action} {event.subject}）", event.id)
            if event.id in wanted:
                found[event.id] = event.hash
            prev, last_id, count = event.hash, event.id, count + 1
        if len(page) < _PAGE:
            break
    for anchor in sorted(anchors, key=lambda a: a.event_id):
        when = f"{anchor.at} " if anchor.at else ""
        if anchor.event_id not in found:
            return ChainCheck(count, len(anchors), (
                f"审计链被截断或删改：{when}记下的锚点是第 {anchor.event_id} 条记录，"
                f"数据库里已没有这一条（现在共 {count} 条，最后一条是第 {last_id} 条）"),
                anchor.event_id)
        if found[anchor.event_id] != anchor.hash:
            return ChainCheck(count, len(anchors), (
                f"审计链被改写：第 {anchor.event_id} 条记录的哈希与{when}记下的锚点不符，"
                "这一条或它之前的记录被改过"), anchor.event_id)
    return ChainCheck(count, len(anchors))
