"""A villager's message folded for matching, with the way back to what they typed.

Commands and verify codes are matched on NFKC text (full-width ＡＢ１２ and ， fold to AB12
and ,), but what a villager wrote for people to read — an objection's words — must keep
their full-width punctuation: 我家面积是８亩，公示只有７亩。 is shown as typed. So each
folded character remembers the typed character it came from.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Folded:
    raw: str
    text: str  # NFKC, one space between words, no surrounding space
    origin: tuple[int, ...]  # for each character of ``text``, its index in ``raw``

    def original(self, start: int, end: int | None = None) -> str:
        """What the villager typed for ``text[start:end]``, surrounding spaces removed."""
        end = len(self.text) if end is None else min(end, len(self.text))
        if start >= end or start >= len(self.text):
            return ""
        return self.raw[self.origin[start]:self.origin[end - 1] + 1].strip()


def fold(raw: str) -> Folded:
    """Full-width to half-width (character by character), runs of spaces to one space."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(raw or ""):
        for folded in unicodedata.normalize("NFKC", char):
            if folded.isspace():
                if not chars or chars[-1] == " ":
                    continue
                folded = " "
            chars.append(folded)
            origin.append(index)
    if chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return Folded(raw or "", "".join(chars), tuple(origin))
