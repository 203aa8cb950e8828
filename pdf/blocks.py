"""Everything on a notice page that is not the table: title block, running head, footer and
the closing block (objection hint, QR code, verify code, issuer, date, seal box).

Each function returns positioned text and boxes plus the height it used, so the table can
be paginated around them before anything is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pdf.fonts import FontSet, clean_text
from pdf.layout import Style
from pdf.model import NoticeDoc
from pdf.wrap import fit_one_line, wrap, wrap_without_orphan

GLYPH_MIDDLE = 0.33  # CJK glyphs are centred ~1/3 em above the baseline in this font


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # baseline
    text: str
    size: float
    bold: bool = False
    align: str = "left"
    gray: float | None = None


@dataclass(frozen=True)
class Box:
    x: float
    y: float  # lower-left corner
    w: float
    h: float
    width: float = 1.0
    dash: float = 0.0
    gray: float = 0.0


@dataclass
class Block:
    texts: list[Text] = field(default_factory=list)
    boxes: list[Box] = field(default_factory=list)
    bottom: float = 0.0  # lowest y used
    qr: tuple[float, float, float] | None = None  # x, y, size


def baseline(slot_top: float, leading: float, size: float) -> float:
    """Baseline that centres a line of CJK text vertically in a slot of height `leading`."""
    return slot_top - leading / 2 - GLYPH_MIDDLE * size


def format_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def period_text(doc: NoticeDoc) -> str:
    return f"公示期：{format_date(doc.period_start)}至{format_date(doc.period_end)}"


def _paragraph(block: Block, top: float, text: str, size: float, leading: float, left: float,
               width: float, fonts: FontSet, *, indent: float = 0.0, bold: bool = False,
               align: str = "left", no_orphan: bool = False) -> float:
    """Wrap `text` (newlines start paragraphs) below `top`; returns the new top.

    With `no_orphan`, no last line holds a single character (titles)."""
    breaker = wrap_without_orphan if no_orphan else wrap
    for para in clean_text(text, keep_newlines=True).split("\n"):
        for n, line in enumerate(breaker(para, width, size, fonts, indent)):
            x = left + (indent if n == 0 else 0.0)
            if align == "center":
                x = left + width / 2
            block.texts.append(Text(x, baseline(top, leading, size), line, size, bold, align))
            top -= leading
    return top


def title_block(doc: NoticeDoc, fonts: FontSet, style: Style) -> Block:
    block = Block()
    left, width = style.content_left, style.content_width
    top = style.content_top
    banners = []
    if doc.withdrawn:
        banners.append("已撤回：本公示已撤回，不再有效，请以核验结果为准")
    if doc.correction_of:
        banner = f"更正：本公示替代核验码 {clean_text(doc.correction_of).strip()} 的版本"
        reason = clean_text(doc.correction_reason).strip()
        banners.append(f"{banner}。更正原因：{reason}" if reason else banner)
    for banner in banners:
        after = _paragraph(block, top - 5, banner, 14, 20, left + 8, width - 16, fonts,
                           bold=True)
        block.boxes.append(Box(left, after - 5, width, top - after + 5, width=1.5))
        top = after - 5 - 10
    top = _paragraph(block, top, doc.title, style.title_size, style.title_leading, left, width,
                     fonts, bold=True, align="center", no_orphan=True) - 6
    for label, value in (("发布单位", doc.issuer), ("公示范围", doc.region_name),
                         ("发放时间", doc.paid_on)):
        if clean_text(value).strip():
            top = _paragraph(block, top, f"{label}：{value}", style.body_size, style.body_leading,
                             left, width, fonts)
    if doc.intro.strip():
        top -= 4
        top = _paragraph(block, top, doc.intro, style.body_size, style.body_leading, left, width,
                         fonts, indent=2 * style.body_size)
    block.bottom = top - 8
    return block


def running_head(doc: NoticeDoc, fonts: FontSet, style: Style) -> Block:
    """Pages 2…n: the title in one line, so a page that slipped off the board is still known."""
    size, leading = style.footer_size, style.footer_size * 1.6
    top = style.content_top
    mark = "【已撤回】" if doc.withdrawn else "【更正】" if doc.correction_of else ""
    room = style.content_width - fonts.width(mark + "（续）", size)
    text = mark + fit_one_line(clean_text(doc.title).strip(), room, size, fonts) + "（续）"
    block = Block(texts=[Text(style.content_left, baseline(top, leading, size), text, size)])
    block.bottom = top - leading - 4
    return block


def short_period_text(doc: NoticeDoc) -> str:
    """公示期：2026年11月23日至11月29日 — the end's year only when it differs."""
    end = doc.period_end
    if end.year != doc.period_start.year:
        return period_text(doc)
    return f"公示期：{format_date(doc.period_start)}至{end.month}月{end.day}日"


def footer_lines(doc: NoticeDoc, fonts: FontSet, style: Style) -> list[str]:
    """The footer's text, on one line whenever the phones allow: a footer that wraps eats
    table room on every page and looks broken on a board (large print needs the short date)."""
    phones = f"监督电话：{clean_text(doc.supervision_phone).strip()}"
    if clean_text(doc.report_phone).strip():
        phones += f"　举报电话：{clean_text(doc.report_phone).strip()}"
    text = ""
    for period in (period_text(doc), short_period_text(doc)):
        text = f"{period}　{phones}"
        if fonts.width(text, style.footer_size) <= style.content_width:
            return [text]
    return wrap(text, style.content_width, style.footer_size, fonts)


def footer(doc: NoticeDoc, lines: list[str], page: int, pages: int, style: Style) -> Block:
    """Footer from the bottom margin up; identical height on every page."""
    size, leading = style.footer_size, style.footer_leading
    left, right = style.content_left, style.content_right
    y = style.margin_bottom
    code = clean_text(doc.verify_code).strip()
    texts = [Text(right, baseline(y + leading, leading, size), f"第 {page} 页 共 {pages} 页",
                  size, align="right")]
    if code:
        texts.append(Text(left, baseline(y + leading, leading, size), f"核验码：{code}", size,
                          bold=True))
    y += leading
    for line in reversed(lines):
        y += leading
        texts.append(Text(left, baseline(y, leading, size), line, size))
    return Block(texts=texts, bottom=y + 4)  # `bottom` is the footer's top edge here


def closing_block(doc: NoticeDoc, top: float, fonts: FontSet, style: Style) -> Block:
    """Below the totals on the last page. Call with top=0 to measure: bottom is -height."""
    block = Block()
    left, right, width = style.content_left, style.content_right, style.content_width
    size, leading = style.body_size, style.body_leading
    phone = clean_text(doc.supervision_phone).strip()
    hint = f"公示期内如有异议，请向监督电话 {phone} 反映"
    if clean_text(doc.report_phone).strip():
        hint += f"，也可拨打举报电话 {clean_text(doc.report_phone).strip()}"
    top = _paragraph(block, top - 8, f"{period_text(doc)}。{hint}。", size, leading, left,
                     width, fonts, indent=2 * size) - 8
    if doc.sign_line:
        blank = "＿" * 6  # room for a signature by hand
        prepared = clean_text(doc.prepared_by).strip() or blank
        reviewed = clean_text(doc.reviewed_by).strip() or blank
        top = _paragraph(block, top, f"制表人：{prepared}　　　审核人：{reviewed}", size,
                         leading * 1.4, left, width, fonts) - 8
    seal_w = 150.0
    seal_x = right - seal_w
    issuer = wrap(clean_text(doc.issuer).strip(), seal_w - 12, 13, fonts)
    seal_h = max(style.qr_size, 24 + 20 * (len(issuer) + 1) + 8)  # a long issuer grows it
    x = left
    if doc.url:
        block.qr = (left, top - style.qr_size, style.qr_size)
        x = left + style.qr_size + 10
    text_top = top - 6
    code = clean_text(doc.verify_code).strip()
    if code:
        block.texts.append(Text(x, baseline(text_top, 22, 14), f"核验码：{code}", 14, bold=True))
        text_top -= 26
        scan = "扫码或在公众号发送" if doc.url else "在公众号发送"
        how = f"{scan}“核验 {code.replace('-', '')}”查验"
        text_top = _paragraph(block, text_top, how, size, leading, x, seal_x - x - 10, fonts)
    # Seal box: the issuer and date sit where the real seal is stamped over them.
    block.boxes.append(Box(seal_x, top - seal_h, seal_w, seal_h, width=0.8, dash=3, gray=0.55))
    block.texts.append(Text(seal_x + seal_w / 2, top - 16, "（盖章处）", 11, align="center",
                            gray=0.55))
    lines = issuer
    day = format_date(doc.issued_on) if doc.issued_on else "　　年　　月　　日"
    slot = top - seal_h + 8 + 20 * (len(lines) + 1)
    for line in [*lines, day]:
        block.texts.append(Text(seal_x + seal_w / 2, baseline(slot, 20, 13), line, 13,
                                align="center"))
        slot -= 20
    block.bottom = min(top - seal_h, text_top, slot) - 4
    return block
