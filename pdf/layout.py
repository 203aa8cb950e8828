"""Page geometry and the columns of a notice's table: sizes, titles, widths.

Nothing here touches a canvas; tests inspect the result directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from pdf.amounts import format_yuan
from pdf.fonts import FontSet, clean_text
from pdf.model import NoticeDoc, PayoutLine
from pdf.wrap import wrap

MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM  # A4 portrait, the default
PAPERS = {"A4": (210 * MM, 297 * MM), "A3": (297 * MM, 420 * MM)}  # portrait (width, height)


@dataclass(frozen=True)
class Style:
    """Sizes in points. Body text stays ≥ 11 pt: most board readers are elderly.

    Build variants with `board_style` rather than by hand, so sizes and leadings stay in
    proportion.
    """

    page_width: float = PAGE_WIDTH
    page_height: float = PAGE_HEIGHT
    margin_x: float = 15 * MM
    margin_top: float = 13 * MM
    margin_bottom: float = 10 * MM
    title_size: float = 20
    title_leading: float = 28
    body_size: float = 12
    body_leading: float = 20
    table_size: float = 12
    table_leading: float = 16
    pad_x: float = 4
    pad_y: float = 4
    footer_size: float = 11
    footer_leading: float = 15
    qr_size: float = 30 * MM  # large enough for an old phone camera at arm's length

    @property
    def content_left(self) -> float:
        return self.margin_x

    @property
    def content_right(self) -> float:
        return self.page_width - self.margin_x

    @property
    def content_width(self) -> float:
        return self.page_width - 2 * self.margin_x

    @property
    def content_top(self) -> float:
        return self.page_height - self.margin_top

    def row_height(self, lines: int) -> float:
        return 2 * self.pad_y + max(lines, 1) * self.table_leading


def board_style(
    paper: str = "A4", *, landscape: bool = False, large_print: bool = False
) -> Style:
    """The layout of a board print: A4 or A3, portrait or landscape (wide tables), and
    large print (body 16 pt) for boards read from a few steps away.

    Layout only: the same notice keeps its content, verify code and page furniture.
    """
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {sorted(PAPERS)}, got {paper!r}")
    width, height = PAPERS[paper]
    if landscape:
        width, height = height, width
    if not large_print:
        return Style(page_width=width, page_height=height)
    # 16/12 of every text size; leadings keep the default's ratio so rows stay as airy.
    return Style(page_width=width, page_height=height, title_size=24, title_leading=34,
                 body_size=16, body_leading=26, table_size=16, table_leading=21, pad_x=5,
                 pad_y=5, footer_size=13, footer_leading=18)


FIELDS = ("name", "group", "id_display", "quantity", "rate", "amount", "note")
# key: (default title, alignment, narrowest width in em or 0 = never narrower than its
# content, flexible = shares whatever width the fixed columns leave)
_COLUMN_SPECS: dict[str, tuple[str, str, float, bool]] = {
    "index": ("序号", "center", 0, False),
    "name": ("姓名", "left", 4, True),
    "group": ("村民小组", "left", 3, False),
    "id_display": ("身份证号", "left", 6, False),
    "quantity": ("数量", "right", 3.5, False),
    "rate": ("标准（元）", "right", 3.5, False),
    "amount": ("金额（元）", "right", 0, False),
    "note": ("备注", "left", 4, True),
}


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    x: float
    width: float
    align: str


class Cell(NamedTuple):  # a NamedTuple: 150,000 of these must be cheap to create
    x: float
    width: float
    lines: tuple[str, ...]
    align: str = "left"
    bold: bool = False


@dataclass(slots=True)
class Row:
    kind: str  # "header" | "line" | "subtotal" | "total" | "words"
    cells: tuple[Cell, ...]
    height: float
    amount_fen: int = 0  # counted in the subtotal of the page this row (part) lands on
    top: float = 0.0     # y of the upper edge, set by pagination


@dataclass
class Page:
    number: int
    rows: list[Row] = field(default_factory=list)
    subtotal_fen: int = 0
    closing_top: float | None = None  # last page: where the closing block starts


def column_title(doc: NoticeDoc, key: str) -> str:
    override = doc.column_titles
    if key in override:
        return clean_text(override[key]).strip()
    unit = clean_text(doc.quantity_unit).strip()
    if key == "quantity" and unit:
        return f"数量（{unit}）"
    if key == "rate" and unit:
        return f"标准（元/{unit}）"
    return _COLUMN_SPECS[key][0]


def _header_pieces(title: str) -> list[str]:
    at = title.find("（", 1)
    return [title[:at], title[at:]] if at > 0 else [title]


def header_lines(title: str, width: float, size: float, fonts: FontSet) -> tuple[str, ...]:
    """A header too wide for its column breaks before its unit: 数量 / （亩）."""
    if fonts.width(title, size) <= width:
        return (title,)
    pieces = _header_pieces(title)
    return tuple(line for piece in pieces for line in wrap(piece, width, size, fonts))


def cell_text(line: PayoutLine, key: str) -> str:
    if key == "amount":
        return format_yuan(line.amount_fen)
    return clean_text(getattr(line, key)).strip()


def check_columns(columns: tuple[str, ...]) -> tuple[str, ...]:
    unknown = [c for c in columns if c not in FIELDS]
    if unknown or len(set(columns)) != len(columns):
        raise ValueError(f"columns must be distinct names from {FIELDS}, got {columns!r}")
    return ("index", *columns)


def _shrink(widths: list[float], floors: list[float], cols: list[int], deficit: float) -> float:
    """Take `deficit` points from `cols`, each in proportion to how far it is above its floor."""
    slack = sum(widths[i] - floors[i] for i in cols)
    if slack <= 0 or deficit <= 0:
        return deficit
    take = min(deficit, slack)
    for i in cols:
        widths[i] -= (widths[i] - floors[i]) * take / slack
    return deficit - take


def measure(texts: list[list[str]], fonts: FontSet, size: float) -> dict[str, float]:
    """One-line width of every distinct cell text, measured once and reused for wrapping."""
    return {t: fonts.width(t, size) for column in texts for t in set(column)}


def plan_columns(
    keys: tuple[str, ...], titles: list[str], texts: list[list[str]], grand_total: str,
    fonts: FontSet, style: Style, widths_of: dict[str, float] | None = None,
) -> list[Column]:
    """Widths that keep numbers, IDs and amounts on one line and let name/note wrap.

    Every column starts at its natural (one-line) width. Fixed columns give up width only
    if name and note would otherwise drop below 4 em; name and note then share what is left
    by water-filling, so a short note keeps its width next to a 500-character name.
    """
    em, pad = style.table_size, 2 * style.pad_x
    if widths_of is None:
        widths_of = measure(texts, fonts, em)
    natural: list[float] = []
    floors: list[float] = []
    for key, title, column in zip(keys, titles, texts, strict=True):
        widest = max((widths_of[t] for t in set(column)), default=0.0)
        if key == "amount":
            widest = max(widest, fonts.width(grand_total, em), fonts.width("本页小计", em))
        # A header may break before its unit, no further.
        head = max(fonts.width(p, em) for p in _header_pieces(title))
        low = _COLUMN_SPECS[key][2] * em
        natural.append(max(widest, head, low) + pad)
        floors.append(max(low or widest, fonts.width(title[:2], em)) + pad)
    width = style.content_width
    flexible = [i for i, k in enumerate(keys) if _COLUMN_SPECS[k][3]]
    fixed = [i for i in range(len(keys)) if i not in flexible]
    widths = list(natural)
    room = width - sum(widths[i] for i in fixed)
    flex_floor = sum(floors[i] for i in flexible)
    if room < flex_floor:
        ids = [i for i in fixed if keys[i] == "id_display"]
        soft = [i for i in fixed if keys[i] in ("group", "quantity", "rate")]
        deficit = _shrink(widths, floors, soft, flex_floor - room)
        deficit = _shrink(widths, floors, ids, deficit)
        if deficit > 0:
            # Even the floors don't fit (large print on narrow paper). 序号 and 金额 keep
            # their width, an amount must never break; the other fixed columns and the
            # flexible floors shrink by one factor, so an ID number may wrap.
            keep = sum(widths[i] for i in fixed if keys[i] in ("index", "amount"))
            squeeze = [i for i in fixed if keys[i] not in ("index", "amount")]
            need = sum(widths[i] for i in squeeze) + flex_floor
            factor = (width - keep) / need if width - keep > 0 and need > 0 else 0.0
            if factor <= 0:  # absurd: 序号 and 金额 alone are wider than the page
                factor, squeeze = width / (width + deficit), fixed
            for i in squeeze:
                widths[i] *= factor
            for i in flexible:
                floors[i] *= factor
        room = width - sum(widths[i] for i in fixed)
    if flexible:
        pending = sorted(flexible, key=lambda i: natural[i])
        while pending:
            share = room / len(pending)
            i = pending.pop(0)
            widths[i] = max(min(natural[i], share), min(floors[i], share))
            room -= widths[i]
        spread = flexible
    else:
        spread = list(range(len(keys)))
    if room > 0:  # spare width: the table always spans the full text width
        for i in spread:
            widths[i] += room / len(spread)
    columns, x = [], style.content_left
    for key, title, w in zip(keys, titles, widths, strict=True):
        columns.append(Column(key, title, x, w, _COLUMN_SPECS[key][1]))
        x += w
    return columns
