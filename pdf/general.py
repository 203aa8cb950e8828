"""render_general: the board PDF of a general notice (通知公告) in the payout board's house
style: the same title block, running head, footer (公示期, 监督电话, 举报电话, 第 x 页 共 y
页, verify code), closing block (QR code, seal box) and draft/correction/withdrawn marks,
with a flowing body of headings, paragraphs, lists and pictures instead of a table.

Plain data in, bytes out. Text goes through PageOps (hex glyph codes, no markup parsed),
so whatever a clerk typed prints literally.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image
from reportlab.lib.utils import ImageReader

from pdf.blocks import Block, Text, baseline, closing_block, footer, footer_lines, running_head
from pdf.blocks import title_block as _title_block
from pdf.drawing import draw_block, draw_footer, draw_marks, draw_qr, open_canvas
from pdf.fonts import FontSet, check_renderable, clean_text, load_fonts
from pdf.general_model import GeneralDoc, Heading, ListBlock, Paragraph, PictureBlock
from pdf.layout import Style
from pdf.notice import STYLE
from pdf.wrap import wrap

# Sizes relative to the style's body size: a general notice is read as running text, so it
# is set a little larger than the payout table (14 pt on A4, 18 pt in large print).
_BODY_SCALE = 14 / 12
_HEADING_SCALE = {1: 18 / 12, 2: 16 / 12, 3: 14 / 12}
_PICTURE_DPI = 110          # a small chart is not blown up past this, a big one is shrunk
_MAX_PICTURE_SHARE = 0.6    # of the page's body height, so a picture never fills a page


@dataclass(frozen=True)
class Placed:
    """One unbreakable piece of the body: text lines, or a picture, `height` tall."""

    height: float
    texts: tuple[Text, ...] = ()       # y relative to the piece's top edge
    picture: tuple[bytes, float, float, float] | None = None  # data, x, width, height
    keep_with_next: bool = False       # headings never end a page


def general_texts(doc: GeneralDoc) -> list[tuple[str, str]]:
    """Every untrusted text that will be printed, labelled for FontError messages."""
    texts = [("标题", doc.title), ("发布单位", doc.issuer), ("公示范围", doc.region_name),
             ("监督电话", doc.supervision_phone), ("举报电话", doc.report_phone),
             ("更正原因", doc.correction_reason)]
    for n, block in enumerate(doc.body, 1):
        if isinstance(block, Heading | Paragraph):
            texts.append((f"正文第{n}段", block.text))
        elif isinstance(block, ListBlock):
            texts += [(f"正文第{n}段第{i}项", item) for i, item in enumerate(block.items, 1)]
        else:
            texts.append((f"正文第{n}段图注", block.caption))
    return texts


def _lines(text: str, size: float, leading: float, left: float, width: float, fonts: FontSet,
           *, indent: float = 0.0, bold: bool = False) -> list[Placed]:
    """One Placed per line, so paragraphs can break across pages between lines."""
    out = []
    for n, line in enumerate(wrap(clean_text(text), width, size, fonts, indent)):
        x = left + (indent if n == 0 else 0.0)
        out.append(Placed(leading, (Text(x, baseline(0.0, leading, size), line, size, bold),)))
    return out


def _picture(block: PictureBlock, style: Style, fonts: FontSet, body_height: float) -> Placed:
    with Image.open(io.BytesIO(block.data)) as image:
        px_w, px_h = image.size
    width = min(style.content_width, px_w * 72 / _PICTURE_DPI)
    height = width * px_h / px_w
    if height > body_height * _MAX_PICTURE_SHARE:
        height = body_height * _MAX_PICTURE_SHARE
        width = height * px_w / px_h
    x = style.content_left + (style.content_width - width) / 2
    size = style.footer_size
    leading = size * 1.6
    captions = wrap(clean_text(block.caption), style.content_width, size, fonts)
    texts = tuple(Text(style.content_left + style.content_width / 2,
                       baseline(-(height + 4 + n * leading), leading, size), line, size,
                       align="center")
                  for n, line in enumerate(captions))
    return Placed(height + 4 + len(captions) * leading + 8, texts, (block.data, x, width, height))


def body_pieces(doc: GeneralDoc, fonts: FontSet, style: Style, body_height: float
                ) -> list[Placed]:
    size = style.body_size * _BODY_SCALE
    leading = size * 1.7
    left, width = style.content_left, style.content_width
    pieces: list[Placed] = []
    for block in doc.body:
        if isinstance(block, Heading):
            h_size = style.body_size * _HEADING_SCALE.get(block.level, 1.0)
            lines = _lines(block.text, h_size, h_size * 1.6, left, width, fonts, bold=True)
            pieces.append(Placed(6))   # air above a heading
            pieces += [Placed(p.height, p.texts, keep_with_next=True) for p in lines]
        elif isinstance(block, Paragraph):
            pieces += _lines(block.text, size, leading, left, width, fonts, indent=2 * size)
        elif isinstance(block, ListBlock):
            for n, item in enumerate(block.items, 1):
                marker = f"{n}." if block.ordered else "•"
                hang = fonts.width("00." if block.ordered else "•", size) + size * 0.6
                lines = _lines(item, size, leading, left + size + hang,
                               width - size - hang, fonts)
                if lines:
                    first = lines[0]
                    mark = Text(left + size + hang - size * 0.5, first.texts[0].y, marker, size,
                                align="right")
                    lines[0] = Placed(first.height, (mark, *first.texts))
                pieces += lines
        else:
            pieces.append(Placed(4))
            pieces.append(_picture(block, style, fonts, body_height))
    return pieces


@dataclass
class GeneralPage:
    number: int
    pieces: list[tuple[float, Placed]]  # (top y, piece)


@dataclass
class GeneralPlan:
    pages: list[GeneralPage]
    title: Block
    head: Block            # running head of pages 2…n
    footer_lines: list[str]
    footer_top: float
    closing: Block         # on the last page, below the body


def plan_general(doc: GeneralDoc, fonts: FontSet, style: Style) -> GeneralPlan:
    frame = doc.frame()
    title = _title_block(frame, fonts, style)
    head = running_head(frame, fonts, style)
    lines = footer_lines(frame, fonts, style)
    footer_top = footer(frame, lines, 1, 1, style).bottom
    bottom = footer_top + 6
    pieces = body_pieces(doc, fonts, style, head.bottom - bottom)
    pages = [GeneralPage(1, [])]
    y = title.bottom
    for n, piece in enumerate(pieces):
        need = piece.height
        if piece.keep_with_next:  # a heading takes the next two lines along with it
            need += sum(p.height for p in pieces[n + 1:n + 3])
        if y - need < bottom and pages[-1].pieces:
            pages.append(GeneralPage(len(pages) + 1, []))
            y = head.bottom
            if not piece.texts and piece.picture is None:
                continue  # spacing at the top of a page is wasted paper
        pages[-1].pieces.append((y, piece))
        y -= piece.height
    closing_height = -closing_block(frame, 0.0, fonts, style).bottom
    if y - closing_height < bottom:
        pages.append(GeneralPage(len(pages) + 1, []))
        y = head.bottom
    return GeneralPlan(pages, title, head, lines, footer_top, closing_block(frame, y, fonts, style))


def render_general(doc: GeneralDoc, *, fonts: FontSet | None = None,
                   style: Style = STYLE) -> bytes:
    """PDF of a general notice. Raises FontError for characters no font can draw."""
    fonts = fonts or load_fonts()
    if doc.period_end < doc.period_start:
        raise ValueError(f"公示期结束 {doc.period_end} 早于开始 {doc.period_start}")
    check_renderable(general_texts(doc), fonts)
    frame = doc.frame()
    plan = plan_general(doc, fonts, style)
    closing, footer_top = plan.closing, plan.footer_top
    buffer, canvas, ops = open_canvas(doc.title, doc.issuer, doc.verify_code, fonts, style)
    total = len(plan.pages)
    for page in plan.pages:
        draw_marks(ops, frame, style, under=True)
        draw_block(ops, plan.title if page.number == 1 else plan.head)
        for top, piece in page.pieces:
            for t in piece.texts:
                ops.text(t.x, top + t.y, t.text, t.size, bold=t.bold, align=t.align)
            if piece.picture is not None:
                data, x, width, height = piece.picture
                canvas.drawImage(ImageReader(io.BytesIO(data)), x, top - height, width, height)
        draw_footer(ops, frame, plan.footer_lines, page.number, total, style, footer_top)
        if page.number == total:
            draw_block(ops, closing)
        draw_marks(ops, frame, style, under=False)
        if page.number == total and closing.qr is not None:
            draw_qr(ops, doc.url, *closing.qr)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
