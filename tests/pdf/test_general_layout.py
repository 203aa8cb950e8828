"""The general notice (通知公告) on the board: house-style furniture on every page, a body that
flows across pages, pictures scaled to the column, hostile text printed literally."""

from __future__ import annotations

import io
import re
from datetime import date

import pypdfium2 as pdfium
import pytest
import zxingcpp
from PIL import Image

from pdf import FontError, render_pngs
from pdf.general import GeneralDoc, Heading, ListBlock, Paragraph, PictureBlock, render_general
from pdf.layout import board_style
from tests.pdf.readback import page_texts

URL = "http://cunwu.test/n/7F3K92QD"
PARA = "根据《关于做好2026年城乡居民基本医疗保险工作的通知》，现将有关政策解读如下。" * 4


def _picture(size=(1200, 700)) -> bytes:
    image = Image.new("RGB", size, "white")
    image.paste(Image.new("RGB", (size[0] // 4, size[1] // 2), "black"), (100, 100))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _doc(*body, **changes) -> GeneralDoc:
    fields = dict(
        title="关于2026年城乡居民医保缴费政策的解读", issuer="城关镇人民政府",
        region_name="城关镇 · 东湖村", body=body, period_start=date(2026, 11, 20),
        period_end=date(2026, 11, 26), supervision_phone="0371-12345678",
        verify_code="7F3K-92QD", url=URL, issued_on=date(2026, 11, 20))
    fields.update(changes)
    return GeneralDoc(**fields)


def _long_doc(**changes) -> GeneralDoc:
    return _doc(Heading("一、缴费标准"), Paragraph(PARA),
                ListBlock(("携带身份证到村委会办理", "通过手机缴费")),
                ListBlock(tuple(f"第{i}项" for i in range(1, 12)), ordered=True),
                PictureBlock(_picture(), "图1 近四年缴费标准"), Heading("二、其他", 2),
                *[Paragraph(PARA) for _ in range(8)], **changes)


def _images_per_page(pdf_bytes: bytes) -> list[list[tuple[float, float, float, float]]]:
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        image = pdfium.raw.FPDF_PAGEOBJ_IMAGE
        return [[obj.get_bounds() for obj in pdf[i].get_objects(filter=[image])]
                for i in range(len(pdf))]
    finally:
        pdf.close()


def test_every_page_carries_period_phones_page_numbers_and_the_verify_code(fonts):
    pdf = render_general(_long_doc(), fonts=fonts)
    texts = page_texts(pdf)
    assert len(texts) >= 2
    for n, text in enumerate(texts, 1):
        flat = text.replace("\r", "").replace("\n", "")
        assert "公示期：2026年11月20日至2026年11月26日" in flat
        assert "监督电话：0371-12345678" in flat and "举报电话：12345" in flat
        assert f"第 {n} 页 共 {len(texts)} 页" in flat and "核验码：7F3K-92QD" in flat
    assert "（续）" in texts[1]                       # running head on later pages
    last = texts[-1]
    assert "盖章处" in last and "城关镇人民政府" in last and "2026年11月20日" in last


def test_the_body_flows_in_order_across_pages(fonts):
    # The body without each page's furniture, so a sentence split by a page break joins up.
    body = ["\n".join(line for line in text.splitlines()
                      if not line.startswith(("核验码", "公示期", "关于2026年")))
            for text in page_texts(render_general(_long_doc(), fonts=fonts))]
    flat = re.sub(r"\s", "", "".join(body))
    order = ["一、缴费标准", "携带身份证到村委会办理", "11.", "图1近四年缴费标准", "二、其他"]
    positions = [flat.index(word) for word in order]
    assert positions == sorted(positions)
    assert flat.count("现将有关政策解读如下") == 9 * 4


def test_pictures_are_scaled_into_the_column_and_kept_whole(fonts):
    style = board_style()
    pdf = render_general(_doc(PictureBlock(_picture((4000, 1000))),
                              PictureBlock(_picture((300, 200))),
                              PictureBlock(_picture((1000, 4000)))), fonts=fonts)
    boxes = [box for page in _images_per_page(pdf) for box in page]
    assert len(boxes) == 3
    for left, bottom, right, top in boxes:
        assert style.content_left - 0.5 <= left and right <= style.content_right + 0.5
        assert bottom > style.margin_bottom + 30 and top < style.content_top  # above the footer
    wide, small, tall = boxes
    assert wide[2] - wide[0] == pytest.approx(style.content_width, abs=0.5)
    assert small[2] - small[0] < 200                   # a small chart is not blown up
    assert (tall[3] - tall[1]) < style.page_height * 0.6  # a tall one never fills a page


def test_hostile_text_prints_literally_and_opens_nothing(fonts):
    hostile = '<img src="/etc/passwd"/> & <b>粗</b> <font size=40>大</font> %PDF ) Tj ('
    pdf = render_general(_doc(Heading(hostile), Paragraph(hostile), ListBlock((hostile,))),
                         fonts=fonts)
    flat = "".join(page_texts(pdf)).replace("\r\n", "")
    assert flat.count(hostile) == 3
    assert b"/etc/passwd" not in pdf


def test_a_missing_glyph_is_reported_with_where_it_is(fonts):
    with pytest.raises(FontError) as caught:
        render_general(_doc(Paragraph("正常"), ListBlock(("好", "坏😀"))), fonts=fonts)
    assert "正文第2段第2项" in str(caught.value)


def test_the_qr_code_decodes_to_the_notice_page_and_fonts_are_embedded(fonts):
    pdf = render_general(_long_doc(), fonts=fonts)
    assert b"/FontFile2" in pdf
    last = render_pngs(pdf, width_px=1400)[-1]
    found = {r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(last)))}
    assert URL in found


def test_a_draft_is_watermarked_and_a_correction_says_what_it_replaces(fonts):
    draft = "".join(page_texts(render_general(_long_doc(draft=True, verify_code="", url=""),
                                              fonts=fonts)))
    assert "草稿 未经审核" in draft
    corrected = page_texts(render_general(_long_doc(correction_of="AAAA-BBBB"), fonts=fonts))
    assert "本公示替代核验码 AAAA-BBBB 的版本" in corrected[0]
    assert "【更正】" in corrected[1]


def test_large_print_and_a3_still_lay_out(fonts):
    for style in (board_style(large_print=True), board_style("A3")):
        pdf = render_general(_long_doc(), fonts=fonts, style=style)
        assert page_texts(pdf)[0].count("一、缴费标准") == 1
