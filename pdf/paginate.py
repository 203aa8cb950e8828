"""Rows of the table and page breaks, computed before anything is drawn.

Pagination is a single linear pass over pre-measured rows, so the page count ("共 y 页") is
known before drawing, and a 20,000-row list costs the same per row as a 20-row one (no
platypus table re-splitting).
"""

from __future__ import annotations

from pdf.amounts import amount_in_words, format_yuan
from pdf.fonts import FontSet
from pdf.layout import Cell, Column, Page, Row, Style, header_lines
from pdf.model import NoticeDoc
from pdf.wrap import wrap


def _cell(style: Style, fonts: FontSet, x: float, width: float, text: str,
          align: str, bold: bool = False) -> Cell:
    inner = width - 2 * style.pad_x
    return Cell(x, width, tuple(wrap(text, inner, style.table_size, fonts)), align, bold)


def _summary_row(kind: str, label: str, amount: str, columns: list[Column],
                 fonts: FontSet, style: Style) -> Row:
    """本页小计/合计: the label spans the columns left of 金额, the amount sits in 金额.

    Without a 金额 column, or with too little room left of it for the label, one cell
    spanning the table says "本页小计：1,234.00 元".
    """
    at = next((i for i, c in enumerate(columns) if c.key == "amount"), None)
    room = columns[at].x - columns[0].x - 2 * style.pad_x if at is not None else 0.0
    if at is None or fonts.width(label, style.table_size) > room:
        left, right = columns[0].x, columns[-1].x + columns[-1].width
        cells = (_cell(style, fonts, left, right - left, f"{label}：{amount} 元", "left", True),)
    else:
        span = columns[at].x - columns[0].x
        cells = (_cell(style, fonts, columns[0].x, span, label, "center", True),
                 _cell(style, fonts, columns[at].x, columns[at].width, amount, "right", True))
        if at + 1 < len(columns):
            end = columns[-1].x + columns[-1].width
            rest = columns[at + 1].x
            cells += (Cell(rest, end - rest, ()),)
    return Row(kind, cells, style.row_height(max(len(c.lines) for c in cells)))


def subtotal_row(subtotal_fen: int, columns: list[Column], fonts: FontSet,
                 style: Style) -> Row:
    return _summary_row("subtotal", "本页小计", format_yuan(subtotal_fen), columns, fonts, style)


def total_rows(doc: NoticeDoc, columns: list[Column], fonts: FontSet, style: Style) -> list[Row]:
    total = _summary_row("total", "合计", format_yuan(doc.total_fen), columns, fonts, style)
    left, right = columns[0].x, columns[-1].x + columns[-1].width
    words = _cell(style, fonts, left, right - left,
                  f"合计金额（大写）：{amount_in_words(doc.total_fen)}", "left", True)
    return [total, Row("words", (words,), style.row_height(len(words.lines)))]


def header_row(columns: list[Column], fonts: FontSet, style: Style) -> Row:
    cells = tuple(Cell(c.x, c.width, header_lines(c.title, c.width - 2 * style.pad_x,
                                                 style.table_size, fonts), "center", True)
                  for c in columns)
    return Row("header", cells, style.row_height(max(len(c.lines) for c in cells)))


def line_rows(doc: NoticeDoc, columns: list[Column], texts: list[list[str]],
              fonts: FontSet, style: Style, widths_of: dict[str, float]) -> list[Row]:
    """One row per payout line; the hot loop of a 20,000-row list, hence the plain code."""
    size, slack = style.table_size, 1e-6
    heights = [style.row_height(n) for n in range(1, 4)]
    plans = [(column, column.width - 2 * style.pad_x) for column in columns]
    rows: list[Row] = []
    for n, line in enumerate(doc.lines):
        cells = []
        most = 1
        for (column, inner), values in zip(plans, texts, strict=True):
            text = values[n]
            if not text:
                lines: tuple[str, ...] = ()
            elif widths_of[text] <= inner + slack:
                lines = (text,)
            else:
                lines = tuple(wrap(text, inner, size, fonts))
                most = max(most, len(lines))
            cells.append(Cell(column.x, column.width, lines, column.align))
        height = heights[most - 1] if most <= 3 else style.row_height(most)
        rows.append(Row("line", tuple(cells), height, line.amount_fen))
    return rows


def split_row(row: Row, lines: int, style: Style) -> tuple[Row, Row]:
    """Cut a row taller than a page after `lines` lines; the rest continues on the next page.

    The amount stays with the first part (where 序号 and 金额 are printed).
    """
    head = tuple(Cell(c.x, c.width, c.lines[:lines], c.align, c.bold) for c in row.cells)
    # The continuation says so in the 序号 cell; its number is on the page before.
    tail = tuple(Cell(c.x, c.width, ("续",) if i == 0 else c.lines[lines:], c.align, c.bold)
                 for i, c in enumerate(row.cells))
    tail_lines = max(len(c.lines) for c in tail)
    return (Row(row.kind, head, style.row_height(lines), row.amount_fen),
            Row(row.kind, tail, style.row_height(tail_lines), 0))


def paginate(rows: list[Row], header: Row, first_top: float, later_top: float, bottom: float,
             closing_height: float, subtotal_height: float, style: Style) -> list[Page]:
    """Place rows top-down; every page gets the header and a 本页小计 row, the last page also
    gets the closing block (totals, 大写, seal, QR) below its final rows.

    `bottom` is the lowest y a table row may reach (the footer's top edge).
    """
    pages = [Page(1)]
    # The 本页小计 row always fits under the last line row, clear of the footer rule.
    floor = bottom + subtotal_height + style.pad_y * 2
    y = first_top - header.height

    def new_page() -> None:
        nonlocal y
        pages.append(Page(len(pages) + 1))
        y = later_top - header.height

    for row in rows:
        while row.height > y - floor:
            fresh = later_top - header.height - floor
            if row.height <= fresh and pages[-1].rows:
                new_page()
                continue
            fit = int((y - floor - 2 * style.pad_y) // style.table_leading)
            if fit < 1:
                new_page()
                continue
            head, row = split_row(row, fit, style)
            head.top = y
            pages[-1].rows.append(head)
            pages[-1].subtotal_fen += head.amount_fen
            new_page()
        row.top = y
        y -= row.height
        pages[-1].rows.append(row)
        pages[-1].subtotal_fen += row.amount_fen
    top = later_top - header.height
    if y - floor < closing_height:
        # Keep the closing block with the final rows, never alone on a page, and never
        # with one lonely row: two rows go over when the page before keeps one.
        count = len(pages[-1].rows) - 1
        new_page()
        y = _carry(pages[-2], pages[-1], min(count, 2), top)
    if _lonely_last_row(pages):
        # The last page holds one row (and the totals): a villager looking for their name
        # on a page with a single line thinks the list was cut. One more row goes over.
        moved = pages[-2].rows[-1].height
        if y - moved - floor >= closing_height:
            y = _carry(pages[-2], pages[-1], 1, top)
    pages[-1].closing_top = y - subtotal_height
    return pages


def _lonely_last_row(pages: list[Page]) -> bool:
    """The last page has a single row that could have company from the page before: the
    page before keeps at least two rows, and the row is not the continuation of a cut row
    (moving the cut row's head would put both halves on one page)."""
    if len(pages) < 2 or len(pages[-1].rows) != 1 or len(pages[-2].rows) < 3:
        return False
    first_cell = pages[-1].rows[0].cells[0]
    return first_cell.lines != ("续",)


def _carry(before: Page, page: Page, count: int, top: float) -> float:
    """Move the last `count` rows of `before` to the start of `page`, lay `page` out again
    from `top`; returns the y under its last row."""
    moved = before.rows[len(before.rows) - count:] if count > 0 else []
    del before.rows[len(before.rows) - len(moved):]
    shift = sum(r.amount_fen for r in moved)
    before.subtotal_fen -= shift
    page.subtotal_fen += shift
    page.rows[:0] = moved
    y = top
    for row in page.rows:
        row.top = y
        y -= row.height
    return y
