"""A thin, fast writer of PDF content-stream operators onto a ReportLab canvas.

Why not canvas.drawString? A 20,000-row notice draws ~150,000 strings; drawString spends
~18 µs each formatting numbers in pure Python (ReportLab's C accelerator is not shipped for
every platform), i.e. ~3 s on text alone. Writing the operators ourselves costs ~3 µs per
string. ReportLab still does the hard parts: TrueType subsetting (`TTFont.splitString`
assigns the codes and records which glyphs to embed), the ToUnicode maps that keep the
text searchable, compression and the file structure. No markup is ever parsed here, so
untrusted text cannot inject anything: it reaches the page as hex-encoded glyph codes.
"""

from __future__ import annotations

import math

from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from pdf.fonts import FontSet

BOLD_STROKE = 0.028  # fake-bold outline width per point of font size (the font has no bold face)


class PageOps:
    """Appends operators to the canvas' current page; one instance serves a whole document."""

    def __init__(self, canvas: Canvas, fonts: FontSet) -> None:
        self.canvas = canvas
        self.fonts = fonts
        self._doc = canvas._doc
        self._names: dict[tuple[int, int], str] = {}
        self._shown: dict[tuple[str, float], str] = {}

    @property
    def _code(self) -> list[str]:
        # The current page's content stream; showPage() replaces the list, so never cache it.
        return self.canvas._code

    def _font_ref(self, font: TTFont, subset: int) -> str:
        key = (id(font), subset)
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = font.getSubsetInternalName(subset, self._doc)
        return name

    def _show(self, text: str, size: float) -> str:
        """Tf/Tj operators for `text`; Tj advances the pen so font runs chain on one line.

        Cached per document: a glyph keeps its code once assigned, and group names, rates
        and notes repeat on every page.
        """
        key = (text, size)
        shown = self._shown.get(key)
        if shown is not None:
            return shown
        out = []
        for font, piece in self.fonts.runs(text):
            for subset, codes in font.splitString(piece, self._doc):
                out.append(f"{self._font_ref(font, subset)} {size:g} Tf <{codes.hex()}> Tj")
        shown = self._shown[key] = " ".join(out)
        return shown

    def text(
        self,
        x: float,
        y: float,
        text: str,
        size: float,
        *,
        bold: bool = False,
        align: str = "left",
        gray: float | None = None,
        angle: float = 0.0,
        outline: float = 0.0,
    ) -> None:
        """Draw one line with its baseline at y; x is its left, centre or right edge.

        With `angle` the line turns about that anchor; `outline` > 0 draws hollow letters
        with that stroke width (a stamp that leaves the text beneath readable).
        """
        if not text:
            return
        cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
        if align != "left":
            width = self.fonts.width(text, size)
            shift = width / 2 if align == "center" else width
            x, y = x - shift * cos, y - shift * sin
        if angle:
            matrix = f"{cos:.4f} {sin:.4f} {-sin:.4f} {cos:.4f} {x:.2f} {y:.2f} Tm"
        else:
            matrix = f"1 0 0 1 {x:.2f} {y:.2f} Tm"
        body = f"BT {matrix} {self._show(text, size)} ET"
        if bold or outline or gray is not None:
            # Text render mode and line width outlive ET, so they stay inside q … Q.
            state = f"{gray:.3f} g {gray:.3f} G " if gray is not None else ""
            if outline:
                state += f"1 Tr {outline:.2f} w "
            elif bold:
                state += f"2 Tr {size * BOLD_STROKE:.3f} w "
            body = f"q {state}{body} Q"
        self._code.append(body)

    def lines(self, segments: list[tuple[float, float, float, float]], width: float) -> None:
        """Stroke straight segments (x1, y1, x2, y2) in one path."""
        if not segments:
            return
        path = " ".join(f"{a:.2f} {b:.2f} m {c:.2f} {d:.2f} l" for a, b, c, d in segments)
        self._code.append(f"q {width:.2f} w 0 J {path} S Q")

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        width: float = 1.0,
        dash: float = 0.0,
        gray: float = 0.0,
        angle: float = 0.0,
    ) -> None:
        """Stroke a rectangle with lower-left corner (x, y), optionally rotated about it."""
        state = f"{width:.2f} w {gray:.3f} G"
        if dash:
            state += f" [{dash:g} {dash:g}] 0 d"
        if angle:
            cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
            state += f" {cos:.4f} {sin:.4f} {-sin:.4f} {cos:.4f} {x:.2f} {y:.2f} cm"
            x = y = 0.0
        self._code.append(f"q {state} {x:.2f} {y:.2f} {w:.2f} {h:.2f} re S Q")

    def fill_rects(
        self, rects: list[tuple[float, float, float, float]], gray: float = 0.0
    ) -> None:
        """Fill rectangles (x, y, w, h) as one path: no seams between QR modules."""
        if rects:
            path = " ".join(f"{x:.3f} {y:.3f} {w:.3f} {h:.3f} re" for x, y, w, h in rects)
            self._code.append(f"q {gray:.3f} g {path} f Q")
