"""Line breaking for Chinese text with occasional Latin words and numbers.

Any CJK character may start a line, except that closing punctuation never does and opening
punctuation never ends one (避头尾). Runs of Latin letters and digits — ID numbers, phone
numbers, URLs — stay whole unless a run alone is wider than the line.
"""

from __future__ import annotations

import re

from pdf.fonts import FontSet

_OPENERS_TEXT = "（《「『“‘([{【〔〈"
_CLOSERS_TEXT = "，。、；：？！）》」』”’,.;:?!)]}】〕〉…%·"
_OPENERS = re.escape(_OPENERS_TEXT)
_CLOSERS = re.escape(_CLOSERS_TEXT)
_WORD = r"[A-Za-z0-9][A-Za-z0-9.,*\-_/:%@+#&=~'()]*"
_ATOM = re.compile(rf"[{_OPENERS}]*(?:{_WORD}|[^\s])[{_CLOSERS}]*|\s+")
_SLACK = 1e-6  # widths are float sums; don't wrap a line that fits exactly


def wrap(
    text: str, width: float, size: float, fonts: FontSet, first_indent: float = 0.0
) -> list[str]:
    """Break one paragraph into lines no wider than `width` points (the first one indented).

    Always makes progress: a single character wider than the line still gets a line.
    """
    text = text.strip()
    if not text:
        return []
    avail = width - first_indent
    measure = fonts.width
    if measure(text, size) <= avail + _SLACK:
        return [text]
    char_width = fonts.widths
    lines: list[str] = []
    line, used = "", 0.0
    for atom in _ATOM.findall(text):
        atom_width = measure(atom, size)
        if used + atom_width <= avail + _SLACK:
            if line or not atom.isspace():  # no line starts with a space
                line, used = line + atom, used + atom_width
            continue
        if line:
            lines.append(line.rstrip())
            line, used, avail = "", 0.0, width
        if atom.isspace():
            continue
        if atom_width <= avail + _SLACK:
            line, used = atom, atom_width
            continue
        for ch in atom:  # a word longer than the whole line: break it anywhere
            w = char_width[ch] * size
            if line and used + w > avail + _SLACK:
                lines.append(line)
                line, used, avail = "", 0.0, width
            line, used = line + ch, used + w
    if line.strip():
        lines.append(line.rstrip())
    return lines


def fit_one_line(text: str, width: float, size: float, fonts: FontSet) -> str:
    """`text` shortened with an ellipsis to fit one line (running heads only, never data)."""
    if fonts.width(text, size) <= width + _SLACK:
        return text
    room = width - fonts.width("…", size)
    out, used = "", 0.0
    for ch in text:
        used += fonts.widths[ch] * size
        if used > room:
            break
        out += ch
    return out + "…"


def _lonely(line: str) -> bool:
    """One character alone, give or take the punctuation that clings to it (“示。”)."""
    core = line.strip().strip(_CLOSERS_TEXT + _OPENERS_TEXT)
    return len(core) <= 1


def wrap_without_orphan(
    text: str, width: float, size: float, fonts: FontSet, first_indent: float = 0.0
) -> list[str]:
    """`wrap`, except that the last line never holds one character alone: the previous
    line gives up its last unit (a character with its punctuation, or a whole number)."""
    lines = wrap(text, width, size, fonts, first_indent)
    if len(lines) < 2 or not _lonely(lines[-1]):
        return lines
    units = _ATOM.findall(lines[-2])
    if len(units) < 2:
        return lines
    moved = units[-1]
    before = "".join(units[:-1]).rstrip()
    return [*lines[:-2], before, moved.lstrip() + lines[-1]]
