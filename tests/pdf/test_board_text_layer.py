"""What a villager reads on the printed board, checked through the PDF's text layer."""

from __future__ import annotations

from datetime import date

import pypdfium2 as pdfium
import zxingcpp

from pdf.amounts import amount_in_words
from pdf.model import NoticeDoc, PayoutLine
from pdf.notice import render_notice


def _doc(rows: int, **changes) -> NoticeDoc:
    lines = tuple(PayoutLine(name=f"张{i:03d}", group="一组", quantity="10.00", rate="92.50",
                             amount_fen=92500 + i) for i in range(rows))
    base = dict(
        title="关于2026年耕地地力保护补贴发放情况的公示", issuer="城关镇人民政府",
        region_name="城关镇 · 东湖村", intro="根据政策规定，现予公示。",
        columns=("name", "group", "quantity", "rate", "amount"), lines=lines,
        total_fen=sum(line.amount_fen for line in lines),
        period_start=date(2026, 11, 23), period_end=date(2026, 11, 29),
        supervision_phone="0376-7712345", verify_code="0XMG-B5KS",
        url="http://cunwu.test/n/0XMGB5KS", issued_on=date(2026, 11, 23), quantity_unit="亩",
    )
    base.update(changes)
    return NoticeDoc(**base)


def _pages(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [page.get_textpage().get_text_range() for page in document]


def test_every_page_has_period_page_numbers_and_verify_code():
    pages = _pages(render_notice(_doc(120)))
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in text
        assert "0XMG-B5KS" in text
        assert "2026年11月23日" in text and "2026年11月29日" in text


def test_every_row_and_the_total_in_figures_and_words_are_printed():
    doc = _doc(120)
    text = "".join(_pages(render_notice(doc)))
    for line in doc.lines:
        assert line.name in text
    total = doc.total_fen
    assert f"{total // 100:,}.{total % 100:02d}" in text
    assert amount_in_words(total) in text


def test_the_cjk_font_is_embedded_as_a_subset():
    pdf = render_notice(_doc(3))
    assert b"/FontFile2" in pdf
    assert b"WQY" in pdf or b"MicroHei" in pdf


def test_the_qr_code_opens_the_notice_page():
    doc = _doc(3)
    document = pdfium.PdfDocument(render_notice(doc))
    image = document[len(document) - 1].render(scale=3).to_pil()
    found = {result.text for result in zxingcpp.read_barcodes(image)}
    assert doc.url in found


def test_hostile_text_prints_literally():
    hostile = '<img src="/etc/passwd"> & <b>'
    text = "".join(_pages(render_notice(_doc(2, intro=hostile))))
    assert hostile in text.replace("\r\n", "").replace("\n", "")


def test_a_draft_is_marked_on_every_page():
    pages = _pages(render_notice(_doc(120, draft=True)))
    assert all("草稿" in text for text in pages)
