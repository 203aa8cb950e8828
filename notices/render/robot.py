"""The card posted to the village cadres' WeCom group, for every notice kind, and the card
that tells them a notice was withdrawn. Pure: content in, markdown out, split to fit the
robot's 4096-byte markdown limit."""

from __future__ import annotations

from typing import Any

from notices.fingerprint import format_code
from notices.render.finance import finance_markdown
from notices.render.general import general_robot_markdown, is_general
from notices.render.payout import payout_markdown
from notices.render.publication import Publication
from notices.render.robot_text import inert

MARKDOWN_LIMIT_BYTES = 4096  # a WeCom group robot's markdown message


def robot_markdown(content: dict[str, Any], pub: Publication) -> str:
    if "balance" in content:  # a finance disclosure
        return finance_markdown(content, pub)
    if is_general(content):
        return general_robot_markdown(content, pub)
    return payout_markdown(content, pub)


def withdrawal_markdown(content: dict[str, Any], code: str, reason: str) -> str:
    """The notice to every place a withdrawn notice reached."""
    region = content["region"]
    return "\n".join([
        f"## 【撤回】{inert(content['title'])}",
        f"> 地区：{inert(region['township'])} {inert(region['name'])}",
        f"> 核验码：<font color=\"warning\">{format_code(code)}</font> 的公示已撤回",
        f"> 原因：{inert(reason)}",
        "",
        "请把公开栏上的这份公示取下，并在群里告知村民。",
    ])


def split_markdown(content: str, limit: int = MARKDOWN_LIMIT_BYTES) -> list[str]:
    """Split ``content`` into messages of at most ``limit`` UTF-8 bytes each.

    Chunks are filled greedily line by line; the ``"\\n"`` characters at which we cut
    are dropped (a chunk never starts or ends with a newline, and none is empty).
    A single line longer than ``limit`` is hard-cut between characters. Precisely::

        content == N0 + chunks[0] + N1 + chunks[1] + ... + chunks[-1] + Nk

    where every ``Ni`` is a run of zero or more ``"\\n"``. Content that fits (after
    stripping outer newlines) comes back as one chunk. Works for text's 2048 too.
    """
    if limit < 4:  # one UTF-8 character can take 4 bytes
        raise ValueError("limit must be at least 4 bytes")
    chunks: list[str] = []
    cur: list[str] = []  # pieces of the open chunk, already with their separators
    cur_bytes = 0

    def flush() -> None:
        nonlocal cur_bytes
        text = "".join(cur).strip("\n")
        if text:
            chunks.append(text)
        cur.clear()
        cur_bytes = 0

    for line in content.split("\n"):
        for index, piece in enumerate(_hard_cut(line, limit)):
            # Pieces of one over-long line were adjacent in the content: no separator.
            sep = "\n" if index == 0 else ""
            size = len(piece.encode("utf-8"))
            if cur and cur_bytes + len(sep) + size <= limit:
                cur.append(sep + piece)
                cur_bytes += len(sep) + size
                continue
            if cur:
                flush()
            if piece:  # a chunk never opens with a blank line: it would only cost bytes
                cur.append(piece)  # the separator before a chunk is where we split
                cur_bytes = size
    flush()
    return chunks


def _hard_cut(line: str, limit: int) -> list[str]:
    """``line`` in pieces of at most ``limit`` bytes, cut between characters."""
    if len(line.encode("utf-8")) <= limit:
        return [line]
    pieces: list[str] = []
    start = 0
    used = 0
    for i, ch in enumerate(line):
        width = len(ch.encode("utf-8"))
        if used + width > limit:
            pieces.append(line[start:i])
            start, used = i, 0
        used += width
    pieces.append(line[start:])
    return pieces
