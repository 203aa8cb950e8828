"""render_notice: a print-ready A4 PDF of a payout notice for the village board.

Two passes over plain data: `plan_notice` measures and paginates everything (so "共 y 页"
is known), then `render_notice` draws each page once. See ops.py for why text is written
as raw operators rather than through Paragraph markup or drawString.
"""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass

from reportlab import rl_config
from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen.canvas import Canvas

from pdf import layout, paginate
from pdf.amounts import format_yuan
from pdf.blocks import (
    GLYPH_MIDDLE,
    Block,
    closing_block,
    footer,
    footer_lines,
    running_head,
    title_block,
)
from pdf.fonts import FontSet, check_renderable, load_fonts
from pdf.layout import PAGE_WIDTH, Column, Page, Row, Style
from pdf.model import NoticeDoc
from pdf.ops import PageOps

# Page streams are zlib-compressed binary. ReportLab's default also wraps them in ASCII85,
# which only matters for 7-bit mail transports, makes files 25% larger and costs ~15% of
# the render time in pure Python. Process-wide, but nothing else here uses ReportLab.
rl_config.useA85 = 0

STYLE = Style()
_QR_BORDER = 4  # modules of quiet zone around the code, as the QR standard asks
_FIELD_LABELS = {"name": "姓名", "group": "村民小组", "id_display": "身份证号",
                 "quantity": "数量", "rate": "标准", "note": "备注"}


@dataclass
class NoticePlan:
    """Where everything goes; `pages[i].rows` start with the repeated header row."""

    columns: list[Column]
    pages: list[Page]
    title: Block
    head: Block           # running head of pages 2…n
    footer_lines: list[str]
    footer_top: float
    closing: Block
    style: Style


def check_notice(doc: NoticeDoc) -> tuple[str, ...]:
    """Refuse data that would print a wrong notice; returns the column keys to show."""
    keys = layout.check_columns(doc.columns)
    for n, line in enumerate(doc.lines, 1):
        if isinstance(line.amount_fen, bool) or not isinstance(line.amount_fen, int):
            raise ValueError(f"第{n}行金额必须是整数分，得到 {line.amount_fen!r}")
        if line.amount_fen < 0:
            raise ValueError(f"第{n}行金额为负数：{line.amount_fen} 分")
    rows_total = sum(line.amount_fen for line in doc.lines)
    if rows_total != doc.total_fen:
        raise ValueError(f"合计与明细不符：total_fen={doc.total_fen}，明细之和={rows_total}")
    if doc.period_end < doc.period_start:
        raise ValueError(f"公示期结束 {doc.period_end} 早于开始 {doc.period_start}")
    return keys


def notice_texts(doc: NoticeDoc) -> Iterator[tuple[str, str]]:
    """Every untrusted text that will be printed, labelled for FontError messages."""
    yield from (("标题", doc.title), ("发布单位", doc.issuer), ("公示范围", doc.region_name),
                ("说明", doc.intro), ("监督电话", doc.supervision_phone),
                ("举报电话", doc.report_phone), ("核验码", doc.verify_code),
                ("更正", doc.correction_of), ("单位", doc.quantity_unit))
    for key, title in doc.column_titles.items():
        yield f"列名 {key}", title
    shown = [k for k in doc.columns if k in _FIELD_LABELS]
    for n, line in enumerate(doc.lines, 1):
        for key in shown:
            yield f"第{n}行 {_FIELD_LABELS[key]}", getattr(line, key)


def plan_notice(doc: NoticeDoc, fonts: FontSet | None = None, style: Style = STYLE) -> NoticePlan:
    fonts = fonts or load_fonts()
    keys = check_notice(doc)
    titles = [layout.column_title(doc, k) for k in keys]
    texts = [[str(n) for n in range(1, len(doc.lines) + 1)]]
    texts += [[layout.cell_text(line, k) for line in doc.lines] for k in keys[1:]]
    grand = format_yuan(doc.total_fen)
    widths_of = layout.measure(texts, fonts, style.table_size)
    columns = layout.plan_columns(keys, titles, texts, grand, fonts, style, widths_of)
    header = paginate.header_row(columns, fonts, style)
    rows = paginate.line_rows(doc, columns, texts, fonts, style, widths_of)
    subtotal_height = paginate.subtotal_row(doc.total_fen, columns, fonts, style).height
    totals = paginate.total_rows(doc, columns, fonts, style)
    closing_height = sum(r.height for r in totals) - closing_block(doc, 0.0, fonts, style).bottom
    lines = footer_lines(doc, fonts, style)
    footer_top = footer(doc, lines, 1, 1, style).bottom
    title = title_block(doc, fonts, style)
    head = running_head(doc, fonts, style)
    lowest = footer_top + header.height + subtotal_height + style.row_height(3)
    if title.bottom < lowest:
        raise ValueError("标题和说明文字过长，首页放不下表格，请精简说明")
    pages = paginate.paginate(rows, header, title.bottom, head.bottom, footer_top, closing_height,
                            subtotal_height, style)
    for page in pages:
        page_top = title.bottom if page.number == 1 else head.bottom
        sub = paginate.subtotal_row(page.subtotal_fen, columns, fonts, style)
        bottom = page.rows[-1].top - page.rows[-1].height if page.rows else page_top - header.height
        sub.top = bottom
        header_copy = Row("header", header.cells, header.height, 0, page_top)
        page.rows = [header_copy, *page.rows, sub]
    last = pages[-1]
    y = last.rows[-1].top - last.rows[-1].height
    for row in totals:
        row.top = y
        y -= row.height
        last.rows.append(row)
    closing = closing_block(doc, y, fonts, style)
    return NoticePlan(columns, pages, title, head, lines, footer_top, closing, style)


def _draw_rows(ops: PageOps, rows: list[Row], style: Style) -> None:
    size, leading, pad = style.table_size, style.table_leading, style.pad_x
    drop = leading / 2 + GLYPH_MIDDLE * size  # slot top → baseline, as blocks.baseline()
    for row in rows:
        for x0, width, lines, align, bold in row.cells:
            if not lines:
                continue
            x = x0 + width - pad if align == "right" else (
                x0 + width / 2 if align == "center" else x0 + pad)
            # Vertically centred: a one-line cell beside a wrapped one sits mid-row.
            y = row.top - (row.height - len(lines) * leading) / 2 - drop
            for line in lines:
                ops.text(x, y, line, size, bold=bold, align=align)
                y -= leading
    _draw_grid(ops, rows)


def _draw_grid(ops: PageOps, rows: list[Row]) -> None:
    """Thin inner rules, heavier frame; verticals merged over runs of same-shaped rows."""
    if not rows:
        return
    left = rows[0].cells[0].x
    right = rows[0].cells[-1].x + rows[0].cells[-1].width
    top, bottom = rows[0].top, rows[-1].top - rows[-1].height
    thin = [(left, r.top - r.height, right, r.top - r.height) for r in rows[:-1]]
    start = 0
    for i in range(1, len(rows) + 1):
        if i < len(rows) and len(rows[i].cells) == len(rows[start].cells) and all(
            a.x == b.x for a, b in zip(rows[i].cells, rows[start].cells, strict=True)
        ):
            continue
        y1, y2 = rows[start].top, rows[i - 1].top - rows[i - 1].height
        thin += [(c.x, y1, c.x, y2) for c in rows[start].cells[1:]]
        start = i
    ops.lines(thin, 0.5)
    header = rows[0]
    heavy = [(left, top, right, top), (left, bottom, right, bottom), (left, top, left, bottom),
             (right, top, right, bottom)]
    if header.kind == "header":
        y = header.top - header.height
        heavy.append((left, y, right, y))
    ops.lines(heavy, 1.2)


def _draw_block(ops: PageOps, block: Block) -> None:
    for box in block.boxes:
        ops.rect(box.x, box.y, box.w, box.h, width=box.width, dash=box.dash, gray=box.gray)
    for t in block.texts:
        ops.text(t.x, t.y, t.text, t.size, bold=t.bold, align=t.align, gray=t.gray)


def _draw_qr(ops: PageOps, url: str, x: float, y: float, size: float) -> None:
    """QR code of the notice's web page, quiet zone included in `size`.

    Drawn from the encoder's module matrix, one rectangle per run of dark modules, with
    the same geometry as ReportLab's QrCodeWidget. Not through the widget and renderPDF:
    those would reference a non-embedded Helvetica in the file, and building the widget's
    shape objects cost a third of a 300-row notice's render time.
    """
    qr = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)  # M: survives board dirt
    qr.addData(url)
    qr.make()
    box = size / (qr.getModuleCount() + 2 * _QR_BORDER)
    modules = []
    for r, row in enumerate(qr.modules):
        c = 0
        for dark, run in itertools.groupby(map(bool, row)):
            count = len(list(run))
            if dark:
                modules.append((x + (c + _QR_BORDER) * box,
                                y + (size - (r + _QR_BORDER + 1) * box), count * box, box))
            c += count
    ops.fill_rects([(x, y, size, size)], gray=1.0)
    ops.fill_rects(modules)


def _draw_diagonal(ops: PageOps, style: Style, text: str, size: float, angle: float,
                   **look: float) -> None:
    """`text` centred on the page along a diagonal (glyph middle on the page centre)."""
    # Sizes are for A4; on A3 the mark grows with the sheet so it still reads as a mark.
    size *= min(style.page_width, style.page_height) / PAGE_WIDTH
    rad = math.radians(angle)
    lift = GLYPH_MIDDLE * size
    x = style.page_width / 2 + lift * math.sin(rad)
    y = style.page_height / 2 - lift * math.cos(rad)
    ops.text(x, y, text, size, align="center", angle=angle, **look)


def _draw_marks(ops: PageOps, doc: NoticeDoc, style: Style, *, under: bool) -> None:
    """The draft watermark goes under the content; the withdrawn stamp over it, hollow, so
    the list stays readable through it."""
    if under and doc.draft:
        _draw_diagonal(ops, style, "草稿 未经审核", 64, 35, gray=0.82)
    if not under and doc.withdrawn:
        _draw_diagonal(ops, style, "已撤回", 120, -35, outline=2.0, gray=0.4)


def render_notice(doc: NoticeDoc, *, fonts: FontSet | None = None, style: Style = STYLE) -> bytes:
    """PDF of the notice: A4 portrait, or the paper and print size of `style` (see
    `board_style`). Raises FontError for undrawable characters and ValueError for
    inconsistent data (total ≠ rows, unknown column, negative amount)."""
    fonts = fonts or load_fonts()
    check_notice(doc)
    check_renderable(notice_texts(doc), fonts)
    plan = plan_notice(doc, fonts, style)
    buffer = io.BytesIO()
    # invariant=1: same notice, same bytes (no timestamp or random ID), so outputs can be
    # compared and cached by content.
    canvas = Canvas(buffer, pagesize=(style.page_width, style.page_height), invariant=1,
                    initialFontName=fonts.primary.fontName, pageCompression=1)
    canvas.setTitle(doc.title)
    canvas.setAuthor(doc.issuer)
    canvas.setSubject(f"核验码 {doc.verify_code}" if doc.verify_code else "")
    ops = PageOps(canvas, fonts)
    total = len(plan.pages)
    for page in plan.pages:
        _draw_marks(ops, doc, style, under=True)
        _draw_block(ops, plan.title if page.number == 1 else plan.head)
        _draw_rows(ops, page.rows, style)
        _draw_block(ops, footer(doc, plan.footer_lines, page.number, total, style))
        ops.lines([(style.content_left, plan.footer_top, style.content_right, plan.footer_top)],
                  0.6)
        if page.number == total:
            _draw_block(ops, plan.closing)
        _draw_marks(ops, doc, style, under=False)
        if page.number == total and plan.closing.qr is not None:
            # Last, on white: a withdrawn notice's QR must still scan, so that villagers
            # can see it was withdrawn.
            _draw_qr(ops, doc.url, *plan.closing.qr)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
