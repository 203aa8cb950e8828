"""The board PDF, read back the way villagers and auditors would read it."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
import zxingcpp
from PIL import Image

from pdf import amount_in_words, format_yuan, plan_notice, render_notice, render_pngs
from pdf.fonts import FontSet
from pdf.layout import PAGE_HEIGHT, PAGE_WIDTH, Style
from pdf.model import PayoutLine
from pdf.samples import sample_notice
from tests.pdf.readback import page_texts

HOSTILE = '<img src="/etc/passwd"> & <b>'


@pytest.fixture(scope="module")
def notice40(fonts: FontSet) -> tuple[object, bytes]:
    doc = sample_notice(40)
    return doc, render_notice(doc, fonts=fonts)


def test_text_layer_has_title_names_totals_and_period(notice40: tuple) -> None:
    doc, pdf = notice40
    pages = page_texts(pdf)
    everything = "".join(pages)
    assert doc.title in pages[0]
    for line in doc.lines:
        assert line.name in everything
        assert line.id_display in everything
    assert f"合计 {format_yuan(doc.total_fen)}" in pages[-1]
    assert amount_in_words(doc.total_fen) in pages[-1]
    for number, text in enumerate(pages, 1):
        assert f"第 {number} 页 共 {len(pages)} 页" in text
        assert "核验码：7F3K-92QD" in text
        assert "公示期：2026年11月23日至2026年11月29日" in text
        assert "监督电话：0371-62345678" in text


def test_closing_block_has_issuer_date_seal_and_how_to_check(notice40: tuple) -> None:
    _, pdf = notice40
    last = page_texts(pdf)[-1]
    expected_lines = ("城关镇人民政府", "2026年11月23日", "盖章处",
                      "扫码或在公众号发送“核验 7F3K92QD”查验")
    for expected in expected_lines:
        assert expected in last


def test_fonts_are_embedded_subsets(notice40: tuple) -> None:
    _, pdf = notice40
    base_fonts = set(re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", pdf))
    assert base_fonts, "no fonts found"
    # Every font is a subset (ABCDEF+Name) and each has its TrueType program embedded.
    assert all(re.fullmatch(rb"[A-Z]{6}\+.+", name) for name in base_fonts), base_fonts
    assert pdf.count(b"/FontFile2") == len(base_fonts)


def test_qr_code_decodes_to_the_notice_url(notice40: tuple) -> None:
    doc, pdf = notice40
    last_page = render_pngs(pdf)[-1]
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(last_page)))
    assert [r.text for r in found] == [doc.url]


def test_no_url_means_no_qr_code_and_no_scan_hint(fonts: FontSet) -> None:
    pdf = render_notice(sample_notice(3, url=""), fonts=fonts)
    assert zxingcpp.read_barcodes(Image.open(io.BytesIO(render_pngs(pdf)[-1]))) == []
    assert "扫码" not in page_texts(pdf)[-1]
    assert "在公众号发送“核验 7F3K92QD”查验" in page_texts(pdf)[-1]


def test_hostile_text_prints_literally(fonts: FontSet) -> None:
    doc = sample_notice(1, title=f"公示 {HOSTILE}", intro=HOSTILE,
                        lines=(PayoutLine(name=HOSTILE, note="&amp; <br/>", amount_fen=1),))
    pdf = render_notice(doc, fonts=fonts)
    text = page_texts(pdf)[0]
    assert f"公示 {HOSTILE}\r\n" in text  # title line, verbatim
    assert f"\r\n{HOSTILE}\r\n" in text   # intro paragraph, verbatim
    # The name cell wraps at its spaces; the characters still all print, in order.
    squeezed = re.sub(r"\s", "", text)
    assert squeezed.count(re.sub(r"\s", "", HOSTILE)) == 3
    assert "&amp;<br/>" in squeezed


def test_long_name_wraps_inside_its_cell_and_prints_in_full(fonts: FontSet) -> None:
    furniture = set("".join(page_texts(render_notice(sample_notice(3), fonts=fonts))))
    rare = [chr(c) for c in range(0x4E00, 0x9FA5) if chr(c) not in furniture][:300]
    long_name = "".join(rare[(i * 7) % len(rare)] for i in range(500))
    doc = sample_notice(3, lines=(PayoutLine(name="王一", amount_fen=100),
                                  PayoutLine(name=long_name, group="三组", amount_fen=200),
                                  PayoutLine(name="李三", amount_fen=300)))
    pdf = render_notice(doc, fonts=fonts)
    pages = page_texts(pdf)
    # Cells are drawn in reading order, so page by page the name's characters read back as
    # the whole name, even where the row continues onto the next page.
    read_back = "".join(ch for text in pages for ch in text if ch in set(long_name))
    assert read_back == long_name
    everything = "".join(pages)
    assert "王一" in everything and "李三" in everything
    assert f"合计 {format_yuan(600)}" in pages[-1]
    plan = plan_notice(doc, fonts)
    assert_inside_margins(plan, fonts)
    name_lines = [line for page in plan.pages for row in page.rows if row.kind == "line"
                  for line in row.cells[1].lines]
    assert len(name_lines) > 10  # it wrapped
    assert "".join(name_lines) == "王一" + long_name + "李三"


def assert_inside_margins(plan, fonts: FontSet) -> None:  # type: ignore[no-untyped-def]
    style: Style = plan.style
    for page in plan.pages:
        for row in page.rows:
            assert row.top <= PAGE_HEIGHT - style.margin_top + 0.01
            assert row.top - row.height >= plan.footer_top - 0.01
            for cell in row.cells:
                assert cell.x >= style.margin_x - 0.01
                assert cell.x + cell.width <= PAGE_WIDTH - style.margin_x + 0.01
                inner = cell.width - 2 * style.pad_x
                for line in cell.lines:
                    assert fonts.width(line, style.table_size) <= inner + 0.01


def test_many_rows_span_pages_with_header_and_subtotals(fonts: FontSet) -> None:
    doc = sample_notice(250, seed=7)
    pdf = render_notice(doc, fonts=fonts)
    pages = page_texts(pdf)
    assert len(pages) >= 5
    subtotals = []
    for text in pages:
        assert "序号 姓名 村民小组 身份证号" in text  # header repeated
        (subtotal,) = re.findall(r"本页小计 ([\d,]+\.\d\d)", text)
        subtotals.append(int(subtotal.replace(",", "").replace(".", "")))
    assert sum(subtotals) == doc.total_fen
    assert f"合计 {format_yuan(doc.total_fen)}" in pages[-1]
    assert all("合计 " not in text.replace("本页小计", "") for text in pages[:-1])
    numbers = [int(n) for text in pages for n in re.findall(r"^(\d+) ", text, re.M)]
    assert numbers == list(range(1, 251))  # every row once, in order
    plan = plan_notice(doc, fonts)
    assert len(plan.pages) == len(pages)
    assert sum(p.subtotal_fen for p in plan.pages) == doc.total_fen
    assert_inside_margins(plan, fonts)


def test_draft_correction_and_withdrawn_marks(fonts: FontSet) -> None:
    doc = sample_notice(60, draft=True, correction_of="AB12-CD34", withdrawn=True)
    pages = page_texts(render_notice(doc, fonts=fonts))
    assert len(pages) > 1
    for text in pages:
        assert "草稿 未经审核" in text
        assert "已撤回" in text
    assert "更正：本公示替代核验码 AB12-CD34 的版本" in pages[0]
    assert "【已撤回】" in pages[1]


def test_withdrawn_notice_qr_still_scans(fonts: FontSet) -> None:
    doc = sample_notice(3, withdrawn=True, draft=True)
    last_page = render_pngs(render_notice(doc, fonts=fonts))[-1]
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(last_page)))
    assert [r.text for r in found] == [doc.url]


def test_plain_notice_has_no_marks(notice40: tuple) -> None:
    _, pdf = notice40
    text = "".join(page_texts(pdf))
    assert "草稿" not in text and "已撤回" not in text and "更正" not in text


def test_columns_follow_the_requested_order(fonts: FontSet) -> None:
    doc = sample_notice(3, columns=("amount", "name"), column_titles={"name": "村名"})
    text = page_texts(render_notice(doc, fonts=fonts))[0]
    assert "序号 金额（元） 村名" in text.replace("\r\n", "")
    assert "身份证号" not in text and "410521" not in text
    assert f"本页小计：{format_yuan(doc.total_fen)} 元" in text  # no room left of 金额


def test_without_an_amount_column_subtotals_still_print(fonts: FontSet) -> None:
    doc = sample_notice(3, columns=("name", "group"))
    text = page_texts(render_notice(doc, fonts=fonts))[0]
    assert f"本页小计：{format_yuan(doc.total_fen)} 元" in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"total_fen": 1}, "合计与明细不符"),
        ({"columns": ("name", "bank_account")}, "columns"),
        ({"lines": (PayoutLine(name="甲", amount_fen=-5),), "total_fen": -5}, "负数"),
        ({"period_end": date(2026, 11, 1)}, "公示期"),
        ({"intro": "说明" * 2000}, "说明文字过长"),
    ],
)
def test_inconsistent_data_is_refused(fonts: FontSet, changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        render_notice(sample_notice(3, **changes), fonts=fonts)


def test_same_notice_gives_the_same_bytes(fonts: FontSet) -> None:
    doc = sample_notice(30)
    assert render_notice(doc, fonts=fonts) == render_notice(doc, fonts=fonts)


def test_empty_list_still_renders_totals(fonts: FontSet) -> None:
    text = page_texts(render_notice(sample_notice(0), fonts=fonts))[0]
    assert "合计 0.00" in text and "人民币零元整" in text
