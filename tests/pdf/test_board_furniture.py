"""Traps a new clerk fell into on the printed board: a title's lonely last character, a
wrapping large-print footer, a last page holding one row. Read from the PDF text layer."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pdf.layout import board_style
from pdf.notice import plan_notice, render_notice
from pdf.samples import sample_notice
from pdf.wrap import wrap, wrap_without_orphan
from tests.pdf.readback import page_texts

LARGE = board_style(large_print=True)


def _lines(pdf: bytes) -> list[list[str]]:
    return [[line.strip() for line in text.splitlines()] for text in page_texts(pdf)]


def _title_ending_alone(fonts, style) -> tuple[str, list[str]]:
    """A real-looking title whose plain wrap leaves "示" alone on its last line."""
    places = "东湖村西岗村柳河村城关镇青禾县南关村北坡村"
    for length in range(1, len(places) + 1):
        title = f"关于2026年{places[:length]}耕地地力保护补贴发放情况的公示"
        lines = wrap(title, style.content_width, style.title_size, fonts)
        if lines[-1] == "示":
            return title, lines
    raise AssertionError("no title of that shape wraps to a lonely character")


def test_a_title_never_leaves_one_character_alone_on_its_last_line(fonts):
    title, plain = _title_ending_alone(fonts, board_style())
    first_page = _lines(render_notice(sample_notice(3, title=title), fonts=fonts))[0]
    assert "示" not in first_page
    assert plain[-2].removesuffix("公") in first_page and "公示" in first_page


@pytest.mark.parametrize("title", [
    "一二三四五六七八九十甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥。",
    "关于（2026年）补贴“发放”情况的公示！", "补贴 AB-12345678 的公示",
])
def test_no_width_leaves_a_lonely_character(fonts, title):
    for width in range(120, 520, 3):
        lines = wrap_without_orphan(title, width, 20, fonts)
        assert "".join(lines).replace(" ", "") == title.replace(" ", "")
        if len(lines) > 1:
            assert len(lines[-1].strip("。！”）")) > 1, (width, lines)
            assert all(fonts.width(line, 20) <= width + 1e-6 for line in lines[:-1])


def test_the_large_print_footer_fits_one_line(fonts):
    pages = _lines(render_notice(sample_notice(30), fonts=fonts, style=LARGE))
    footer = "公示期：2026年11月23日至11月29日　监督电话：0371-62345678　举报电话：12345"
    assert all(footer.replace("　", " ") in [line.replace("　", " ") for line in page]
               for page in pages)
    normal = _lines(render_notice(sample_notice(30), fonts=fonts))[0]
    assert any(line.startswith("公示期：2026年11月23日至2026年11月29日") for line in normal)


@pytest.mark.parametrize("style", [board_style(), LARGE], ids=["normal", "large"])
def test_the_last_page_never_holds_one_lonely_row(fonts, style):
    lonely = []
    for count in range(2, 70):
        pages = plan_notice(sample_notice(count), fonts, style).pages
        rows = [r for r in pages[-1].rows if r.kind == "line"]
        if len(pages) > 1 and len(rows) < 2:
            lonely.append(count)
        # Every row is still printed once, and the page subtotals still add up.
        assert sum(p.subtotal_fen for p in pages) == sample_notice(count).total_fen
    assert lonely == []


def test_the_last_page_shows_two_numbered_rows_in_its_text(fonts):
    doc = sample_notice(7)  # at 16 pt, row 7 used to be alone on page 2 with the totals
    last = _lines(render_notice(doc, fonts=fonts, style=LARGE))[-1]
    names = [line.name for line in doc.lines]
    assert sum(1 for name in names if any(name in text for text in last)) >= 2


def test_payout_boards_carry_a_signature_line(fonts):
    signed = replace(sample_notice(3), sign_line=True)
    text = page_texts(render_notice(signed, fonts=fonts))[-1]
    assert "制表人：" in text and "审核人：" in text
    named = replace(signed, prepared_by="王芳", reviewed_by="李强")
    text = page_texts(render_notice(named, fonts=fonts))[-1]
    assert "制表人：王芳" in text and "审核人：李强" in text
    assert "制表人" not in page_texts(render_notice(sample_notice(3), fonts=fonts))[-1]
