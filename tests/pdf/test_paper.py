"""Paper and print size: A3, landscape for wide tables, large print for boards read from afar."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pytest

from pdf import board_style, format_yuan, plan_notice, render_notice
from pdf.blocks import Block, footer
from pdf.fonts import FontSet
from pdf.layout import MM, PAGE_HEIGHT, PAGE_WIDTH, Style
from pdf.model import NoticeDoc, PayoutLine
from pdf.notice import NoticePlan
from pdf.samples import sample_notice
from tests.pdf.readback import page_texts

EPS = 0.01


def _page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc.get_page_size(i) for i in range(len(doc))]
    finally:
        doc.close()


def _assert_block_inside(block: Block, style: Style, fonts: FontSet) -> None:
    for t in block.texts:
        width = fonts.width(t.text, t.size)
        left = {"left": t.x, "center": t.x - width / 2, "right": t.x - width}[t.align]
        assert left >= style.content_left - EPS, t
        assert left + width <= style.content_right + EPS, t
        assert style.margin_bottom - EPS <= t.y <= style.content_top + EPS, t
    for box in block.boxes:
        assert box.x >= style.content_left - EPS and box.x + box.w <= style.content_right + EPS
        assert box.y >= style.margin_bottom - EPS and box.y + box.h <= style.content_top + EPS
    if block.qr is not None:
        x, y, size = block.qr
        assert x >= style.content_left - EPS and x + size <= style.content_right + EPS
        assert y >= style.margin_bottom - EPS


def assert_inside_margins(doc: NoticeDoc, plan: NoticePlan, fonts: FontSet) -> None:
    """Every row, cell line, title, footer and closing item lies within the margins of the
    plan's own paper, and every wrapped cell line fits its cell at the table's size."""
    style = plan.style
    for page in plan.pages:
        for row in page.rows:
            assert row.top <= style.content_top + EPS
            assert row.top - row.height >= plan.footer_top - EPS
            for cell in row.cells:
                assert cell.x >= style.content_left - EPS
                assert cell.x + cell.width <= style.content_right + EPS
                for line in cell.lines:
                    assert fonts.width(line, style.table_size) <= cell.width - 2 * style.pad_x + EPS
        _assert_block_inside(footer(doc, plan.footer_lines, page.number, len(plan.pages), style),
                             style, fonts)
    for block in (plan.title, plan.head, plan.closing):
        _assert_block_inside(block, style, fonts)


def _assert_complete(doc: NoticeDoc, pdf: bytes) -> None:
    pages = page_texts(pdf)
    everything = re.sub(r"\s", "", "".join(pages))
    for line in doc.lines:
        assert re.sub(r"\s", "", line.name) in everything
        assert format_yuan(line.amount_fen) in everything
    assert f"合计 {format_yuan(doc.total_fen)}" in pages[-1]
    for number, text in enumerate(pages, 1):
        assert f"第 {number} 页 共 {len(pages)} 页" in text
        assert "核验码：7F3K-92QD" in text
    numbers = [int(n) for text in pages for n in re.findall(r"^(\d+) ", text, re.M)]
    assert numbers == list(range(1, len(doc.lines) + 1))


@pytest.mark.parametrize(
    ("paper", "landscape", "size_mm"),
    [("A4", False, (210, 297)), ("A4", True, (297, 210)), ("A3", False, (297, 420)),
     ("A3", True, (420, 297))],
)
def test_every_page_has_the_chosen_paper_and_nothing_crosses_a_margin(
    fonts: FontSet, paper: str, landscape: bool, size_mm: tuple[int, int]
) -> None:
    doc = sample_notice(150, seed=3)
    style = board_style(paper, landscape=landscape)
    pdf = render_notice(doc, fonts=fonts, style=style)
    width, height = size_mm[0] * MM, size_mm[1] * MM
    assert all(abs(w - width) < 0.5 and abs(h - height) < 0.5 for w, h in _page_sizes(pdf))
    _assert_complete(doc, pdf)
    assert_inside_margins(doc, plan_notice(doc, fonts, style), fonts)


def test_default_style_is_a4_portrait_as_before(fonts: FontSet) -> None:
    doc = sample_notice(5)
    assert board_style() == Style()
    assert render_notice(doc, fonts=fonts, style=board_style()) == render_notice(doc, fonts=fonts)
    ((width, height),) = _page_sizes(render_notice(doc, fonts=fonts))
    assert abs(width - PAGE_WIDTH) < 0.01 and abs(height - PAGE_HEIGHT) < 0.01


def test_large_print_sets_body_and_table_in_16_pt(fonts: FontSet) -> None:
    doc = sample_notice(80, seed=5)
    style = board_style(large_print=True)
    assert style.body_size == style.table_size == 16
    plan = plan_notice(doc, fonts, style)
    intro = [t for t in plan.title.texts if t.text in doc.intro]
    assert intro and all(t.size == 16 for t in intro)
    pdf = render_notice(doc, fonts=fonts, style=style)
    _assert_complete(doc, pdf)
    assert_inside_margins(doc, plan, fonts)
    # Same rows, bigger letters: more pages than the normal print.
    assert len(plan.pages) > len(plan_notice(doc, fonts).pages)


def test_large_print_wraps_a_long_name_inside_its_cell_and_keeps_every_character(
    fonts: FontSet,
) -> None:
    long_name = "欧阳" + "龙" * 300 + "尾"
    doc = sample_notice(3, lines=(PayoutLine(name="王一", amount_fen=100),
                                  PayoutLine(name=long_name, group="三组", note="新增",
                                             amount_fen=200),
                                  PayoutLine(name="李三", amount_fen=300)))
    style = board_style(large_print=True)
    plan = plan_notice(doc, fonts, style)
    assert_inside_margins(doc, plan, fonts)
    name_lines = [line for page in plan.pages for row in page.rows if row.kind == "line"
                  for line in row.cells[1].lines]
    assert "".join(name_lines) == "王一" + long_name + "李三"
    text = re.sub(r"\s", "", "".join(page_texts(render_notice(doc, fonts=fonts, style=style))))
    assert text.count("龙") == 300


def test_landscape_gives_a_wide_table_room_so_fewer_cells_wrap(fonts: FontSet) -> None:
    note = "代领：其子王强，户口已迁出，补贴打入其子一卡通账户"
    lines = tuple(PayoutLine(name=f"欧阳明{i}", group="三组", id_display="410521********1234",
                             quantity="12.50", rate="92.50", amount_fen=115625, note=note)
                  for i in range(30))
    doc = sample_notice(lines=lines)

    def wrapped(style: Style) -> int:
        plan = plan_notice(doc, fonts, style)
        assert_inside_margins(doc, plan, fonts)
        return sum(len(c.lines) for p in plan.pages for r in p.rows if r.kind == "line"
                   for c in r.cells)

    assert wrapped(board_style(landscape=True)) < wrapped(board_style())


def test_marks_and_qr_follow_the_paper(fonts: FontSet) -> None:
    doc = sample_notice(60, draft=True, withdrawn=True, correction_of="AB12-CD34")
    pages = page_texts(render_notice(doc, fonts=fonts, style=board_style("A3", landscape=True)))
    assert all("草稿 未经审核" in p and "已撤回" in p for p in pages)
    assert "更正：本公示替代核验码 AB12-CD34 的版本" in pages[0]


def test_unknown_paper_is_refused() -> None:
    with pytest.raises(ValueError, match="paper"):
        board_style("Letter")
