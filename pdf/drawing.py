"""Drawing shared by the board renderers (payout list, finance disclosure, general notice):
the canvas with the house metadata, table rows, text blocks, the footer rule, the QR code and
the 草稿 / 已撤回 marks. Plain geometry in, PDF operators out."""

from __future__ import annotations

import io
import itertools
import math
from typing import Protocol

from reportlab.graphics.barcode import qrencoder
from reportlab.pdfgen.canvas import Canvas

from pdf.blocks import GLYPH_MIDDLE, Block, footer
from pdf.fonts import FontSet
from pdf.layout import PAGE_WIDTH, Row, Style
from pdf.model import NoticeDoc
from pdf.ops import PageOps

_QR_BORDER = 4  # modules of quiet zone around the code, as the QR standard asks


class Marked(Protocol):
    draft: bool
    withdrawn: bool


def open_canvas(title: str, issuer: str, verify_code: str, fonts: FontSet,
                style: Style) -> tuple[io.BytesIO, Canvas, PageOps]:
    """A canvas of the style's paper with the document's title, issuer and verify code.

    invariant=1: same notice, same bytes (no timestamp or random ID), so outputs can be
    compared and cached by content."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(style.page_width, style.page_height), invariant=1,
                    initialFontName=fonts.primary.fontName, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor(issuer)
    canvas.setSubject(f"核验码 {verify_code}" if verify_code else "")
    return buffer, canvas, PageOps(canvas, fonts)


def draw_footer(ops: PageOps, doc: NoticeDoc, lines: list[str], page: int, pages: int,
                style: Style, footer_top: float) -> None:
    """The per-page footer (公示期, phones, 第 x 页 共 y 页, verify code) under its rule."""
    draw_block(ops, footer(doc, lines, page, pages, style))
    ops.lines([(style.content_left, footer_top, style.content_right, footer_top)], 0.6)


def draw_rows(ops: PageOps, rows: list[Row], style: Style) -> None:
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


def draw_block(ops: PageOps, block: Block) -> None:
    for box in block.boxes:
        ops.rect(box.x, box.y, box.w, box.h, width=box.width, dash=box.dash, gray=box.gray)
    for t in block.texts:
        ops.text(t.x, t.y, t.text, t.size, bold=t.bold, align=t.align, gray=t.gray)


def draw_qr(ops: PageOps, url: str, x: float, y: float, size: float) -> None:
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


def draw_marks(ops: PageOps, doc: Marked, style: Style, *, under: bool) -> None:
    """The draft watermark goes under the content; the withdrawn stamp over it, hollow, so
    the list stays readable through it."""
    if under and doc.draft:
        _draw_diagonal(ops, style, "草稿 未经审核", 64, 35, gray=0.82)
    if not under and doc.withdrawn:
        _draw_diagonal(ops, style, "已撤回", 120, -35, outline=2.0, gray=0.4)
