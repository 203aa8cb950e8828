"""render_notice: a print-ready A4 PDF of a payout notice for the village board.

Two passes over plain data: `plan_notice` measures and paginates everything (so "共 y 页"
is known), then `render_notice` draws each page once. See ops.py for why text is written
as raw operators rather than through Paragraph markup or drawString.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from reportlab import rl_config

from pdf import layout, paginate
from pdf.amounts import format_yuan
from pdf.blocks import Block, closing_block, footer, footer_lines, running_head, title_block
from pdf.drawing import draw_block, draw_footer, draw_marks, draw_qr, draw_rows, open_canvas
from pdf.fonts import FontSet, check_renderable, load_fonts
from pdf.layout import Column, Page, Row, Style
from pdf.model import NoticeDoc

# Page streams are zlib-compressed binary. ReportLab's default also wraps them in ASCII85,
# which only matters for 7-bit mail transports, makes files 25% larger and costs ~15% of
# the render time in pure Python. Process-wide, but nothing else here uses ReportLab.
rl_config.useA85 = 0

STYLE = Style()
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
                ("更正", doc.correction_of), ("更正原因", doc.correction_reason),
                ("单位", doc.quantity_unit), ("发放时间", doc.paid_on), ("制表人", doc.prepared_by),
                ("审核人", doc.reviewed_by))
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


def render_notice(doc: NoticeDoc, *, fonts: FontSet | None = None, style: Style = STYLE) -> bytes:
    """PDF of the notice: A4 portrait, or the paper and print size of `style` (see
    `board_style`). Raises FontError for undrawable characters and ValueError for
    inconsistent data (total ≠ rows, unknown column, negative amount)."""
    fonts = fonts or load_fonts()
    check_notice(doc)
    check_renderable(notice_texts(doc), fonts)
    plan = plan_notice(doc, fonts, style)
    buffer, canvas, ops = open_canvas(doc.title, doc.issuer, doc.verify_code, fonts, style)
    total = len(plan.pages)
    for page in plan.pages:
        draw_marks(ops, doc, style, under=True)
        draw_block(ops, plan.title if page.number == 1 else plan.head)
        draw_rows(ops, page.rows, style)
        draw_footer(ops, doc, plan.footer_lines, page.number, total, style, plan.footer_top)
        if page.number == total:
            draw_block(ops, plan.closing)
        draw_marks(ops, doc, style, under=False)
        if page.number == total and plan.closing.qr is not None:
            # Last, on white: a withdrawn notice's QR must still scan, so that villagers
            # can see it was withdrawn.
            draw_qr(ops, doc.url, *plan.closing.qr)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
