"""Fonts for the board PDF: one CJK font, an optional fallback, and a coverage check.

A character the fonts cannot draw would print as an empty box or nothing at all, and a
villager whose rare name character vanished cannot check their own line. So before any
drawing, `check_renderable` lists every such character with the text it came from, and the
renderer refuses to produce the PDF until someone fixes the data or installs a font.
"""

from __future__ import annotations

import os
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

DEFAULT_FONT_PATH = Path(__file__).with_name("fonts") / "wqy-microhei.ttc"
DEFAULT_FONT_NAME = "WQYMicroHei"
# Fallbacks that may exist on a Debian/Ubuntu host. Only TrueType outlines work: ReportLab
# cannot embed CFF-flavoured OpenType such as Noto Sans CJK.
DEFAULT_FALLBACK_PATHS = (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),)
FONT_ENV = "CUNWU_PDF_FONT"
FALLBACK_ENV = "CUNWU_PDF_FALLBACK_FONT"

# Variation selectors only pick a glyph variant; dropping them prints the base character.
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")


@dataclass(frozen=True)
class MissingChar:
    char: str
    text: str    # the untrusted text it came from, unmodified
    where: str   # e.g. "第12行 姓名"; "" when the caller gave no label


class FontError(ValueError):
    """Text contains characters no configured font can draw (see `missing`)."""

    def __init__(self, message: str, missing: Iterable[MissingChar] = ()) -> None:
        super().__init__(message)
        self.missing: tuple[MissingChar, ...] = tuple(missing)


class FontFileError(FontError):
    """A configured font file is absent or not a TrueType font ReportLab can embed."""


def clean_text(text: str, keep_newlines: bool = False) -> str:
    """What the renderer actually draws: controls become spaces, invisible format marks go.

    Zero-width spaces, BOMs, soft hyphens and variation selectors come in from spreadsheets
    and phone keyboards; they have no glyph to miss, so they must not trip the font check.
    """
    if text.isprintable() and not _VARIATION_SELECTORS.search(text):
        return text  # the common case, decided in C
    out = []
    for ch in _VARIATION_SELECTORS.sub("", text):
        category = unicodedata.category(ch)
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif category in ("Cc", "Zl", "Zp"):
            out.append("\n" if keep_newlines and category != "Cc" else " ")
        elif category != "Cf":
            out.append(ch)
    return "".join(out)


class _Widths(dict[str, float]):
    """char → advance in em, filled on first use (a dict lookup per char is the hot path)."""

    def __init__(self, fonts: FontSet) -> None:
        super().__init__()
        self._fonts = fonts

    def __missing__(self, ch: str) -> float:
        font = self._fonts.font_for(ch) or self._fonts.primary
        width = font.face.charWidths.get(ord(ch), font.face.defaultWidth) / 1000.0
        self[ch] = width
        return width


class FontSet:
    """The primary font plus an optional fallback, both registered with ReportLab."""

    def __init__(self, primary: TTFont, fallback: TTFont | None = None) -> None:
        self.primary = primary
        self.fallback = fallback
        self._in_primary: set[str] = set()
        self._drawable: set[str] = set()
        self._classified: set[str] = set()
        self.widths = _Widths(self)

    def font_for(self, ch: str) -> TTFont | None:
        """The font that draws `ch`, preferring the primary; None if neither can."""
        code = ord(ch)
        if code in self.primary.face.charToGlyph:
            return self.primary
        if self.fallback is not None and code in self.fallback.face.charToGlyph:
            return self.fallback
        return None

    def _classify(self, text: str) -> None:
        for ch in set(text) - self._classified:
            font = self.font_for(ch)
            if font is self.primary:
                self._in_primary.add(ch)
            if font is not None:
                self._drawable.add(ch)
            self._classified.add(ch)

    def missing(self, text: str) -> list[str]:
        """Characters of `text` that no font can draw, in order of first appearance."""
        if self._drawable.issuperset(text):
            return []
        self._classify(text)
        return list(dict.fromkeys(ch for ch in text if ch not in self._drawable))

    def runs(self, text: str) -> list[tuple[TTFont, str]]:
        """Split `text` into (font, piece) runs; nearly always one run in the primary font."""
        if self._in_primary.issuperset(text):
            return [(self.primary, text)]
        self._classify(text)
        runs: list[tuple[TTFont, str]] = []
        for ch in text:
            font = self.primary if ch in self._in_primary else (self.font_for(ch) or self.primary)
            if runs and runs[-1][0] is font:
                runs[-1] = (font, runs[-1][1] + ch)
            else:
                runs.append((font, ch))
        return runs

    def width(self, text: str, size: float) -> float:
        """Advance width of `text` in points, as pdfmetrics.stringWidth would give."""
        return sum(map(self.widths.__getitem__, text)) * size


_lock = threading.Lock()
_loaded: dict[Path, TTFont] = {}
_sets: dict[tuple[Path, Path | None], FontSet] = {}


def _load(path: Path) -> TTFont:
    """Register a TrueType font (or the first face of a collection) once per process."""
    path = path.resolve()
    if path in _loaded:
        return _loaded[path]
    if path == DEFAULT_FONT_PATH.resolve():
        name = DEFAULT_FONT_NAME
    else:
        name = f"CunwuFont{len(_loaded) + 1}"
    try:
        font = TTFont(name, str(path), subfontIndex=0)
    except Exception as exc:  # ReportLab raises TTFError, OSError, struct errors…
        raise FontFileError(f"cannot use font file {path}: {exc}") from exc
    pdfmetrics.registerFont(font)
    _loaded[path] = font
    return font


def _resolve_fallback(fallback: str | os.PathLike[str] | None) -> Path | None:
    if fallback is None:
        fallback = os.environ.get(FALLBACK_ENV)
    if fallback is not None:
        return Path(fallback) if str(fallback) else None  # "" switches the fallback off
    return next((p for p in DEFAULT_FALLBACK_PATHS if p.is_file()), None)


def load_fonts(
    path: str | os.PathLike[str] | None = None,
    fallback: str | os.PathLike[str] | None = None,
) -> FontSet:
    """The font set to render with, loaded lazily and cached per process.

    `path` defaults to $CUNWU_PDF_FONT, then the shipped WenQuanYi Micro Hei. `fallback`
    defaults to $CUNWU_PDF_FALLBACK_FONT, then WenQuanYi Zen Hei if installed; pass "" for
    none. Bot settings pass both explicitly; the env defaults keep scripts and tests short.
    """
    main = Path(path or os.environ.get(FONT_ENV) or DEFAULT_FONT_PATH).resolve()
    extra = _resolve_fallback(fallback)
    extra = extra.resolve() if extra is not None else None
    with _lock:
        key = (main, extra)
        if key not in _sets:
            primary = _load(main)
            second = _load(extra) if extra is not None and extra != main else None
            _sets[key] = FontSet(primary, second)
        return _sets[key]


def _snippet(text: str, ch: str, room: int = 24) -> str:
    """Enough of a (possibly 500-character) text around `ch` to find it in the data."""
    if len(text) <= 2 * room:
        return text
    at = text.index(ch)
    start = max(0, min(at - room // 2, len(text) - room))
    head = "…" if start else ""
    tail = "…" if start + room < len(text) else ""
    return head + text[start : start + room] + tail


def _printable(text: str) -> str:
    # A lone surrogate from a mis-decoded file would make the message itself unprintable.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def check_renderable(
    texts: Iterable[str | tuple[str, str]], fonts: FontSet | None = None
) -> None:
    """Raise FontError naming every character the fonts cannot draw and where it came from.

    Each item is a text or a (where, text) pair such as ("第12行 姓名", "张😀").
    """
    fonts = fonts or load_fonts()
    found: list[MissingChar] = []
    for item in texts:
        where, text = item if isinstance(item, tuple) else ("", item)
        for ch in fonts.missing(clean_text(text, keep_newlines=True).replace("\n", "")):
            found.append(MissingChar(ch, text, where))
    if not found:
        return
    lines = [f"字体无法显示以下 {len(found)} 个字符，请核对原始数据或安装含该字的字体："]
    for miss in found[:50]:
        label = f"{miss.where}：" if miss.where else ""
        name = unicodedata.name(miss.char, "")
        shown = miss.char if miss.char.isprintable() else ""  # lone surrogates etc.
        snippet = _printable(_snippet(miss.text, miss.char))
        lines.append(f"  U+{ord(miss.char):04X} {name} “{shown}” 见 {label}“{snippet}”")
    if len(found) > 50:
        lines.append(f"  …另有 {len(found) - 50} 处")
    raise FontError("\n".join(lines), found)
