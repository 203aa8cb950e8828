"""The finance disclosure as printed: what a villager reads back from the text layer."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pypdfium2 as pdfium
import pytest
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st

from pdf.amounts import amount_in_words, format_yuan
from pdf.finance import by_category, plan_finance, render_finance
from pdf.finance_model import FinanceLine
from pdf.finance_samples import sample_finance, sample_finance_lines
from pdf.layout import board_style


def _pages(pdf: bytes) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    return [page.get_textpage().get_text_range().replace("\r", "") for page in document]


def _flat(pages: list[str]) -> str:
    return "".join(pages).replace("\n", "")


def test_every_page_has_its_number_the_verify_code_and_the_period():
    pages = _pages(render_finance(sample_finance(60)))
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert f"第 {number} 页 共 {len(pages)} 页" in text
        assert "核验码：7F3K-92QD" in text
        assert "2026年11月5日至2026年11月11日" in text
        assert "监督电话：0371-62345678" in text and "举报电话：12345" in text


def test_each_page_subtotal_is_the_sum_of_that_pages_entries(fonts):
    doc = sample_finance(60)
    plan = plan_finance(doc, fonts)
    texts = _pages(render_finance(doc, fonts=fonts))
    table_pages = [p for p in plan.pages if any(r.kind == "line" for r in p.rows)]
    assert len(table_pages) >= 2
    assert sum(p.income_fen for p in table_pages) == doc.income_fen
    assert sum(p.expense_fen for p in table_pages) == doc.expense_fen
    for page in table_pages:
        text = texts[page.number - 1].replace("\n", " ")
        match = re.search(r"本页小计\s+([\d,.]+)\s+([\d,.]+)", text)
        assert match, text[-300:]
        assert match.groups() == (format_yuan(page.income_fen), format_yuan(page.expense_fen))


def test_the_totals_and_the_reconciliation_are_printed_in_figures_and_words():
    doc = sample_finance(24)
    text = _flat(_pages(render_finance(doc)))
    income, expense = format_yuan(doc.income_fen), format_yuan(doc.expense_fen)
    assert re.search(rf"本期合计\s*{re.escape(income)}\s*{re.escape(expense)}", text)
    equation = (f"{format_yuan(doc.opening_fen)} + {income} − {expense} = "
                f"{format_yuan(doc.closing_fen)}（元）")
    assert equation in text
    terms = (("期初余额（上期结余）", doc.opening_fen), ("加：本期收入", doc.income_fen),
             ("减：本期支出", doc.expense_fen), ("期末余额（本期结余）", doc.closing_fen))
    for label, fen in terms:
        assert f"{label}{format_yuan(fen)}{amount_in_words(fen)}" in text.replace(" ", "")


def test_the_supervision_committees_review_names_who_and_when():
    text = _flat(_pages(render_finance(sample_finance(5))))
    opinion = "经审核，本月收支凭证齐全、手续完备、账实相符，同意公开。"
    assert f"村务监督委员会审核意见：{opinion}" in text
    assert "审核人：孙立平" in text and "审核日期：2026年11月3日" in text


def test_an_unsigned_draft_says_so_and_is_watermarked_on_every_page():
    pages = _pages(render_finance(sample_finance(60, review=None, draft=True)))
    assert "尚未签核" in _flat(pages)
    assert all("草稿" in text for text in pages)


def test_every_entry_is_printed_once_with_its_voucher_and_category():
    doc = sample_finance(45)
    text = _flat(_pages(render_finance(doc)))
    for line in doc.lines:
        assert text.count(line.voucher_no) == 1
    for name, count, _, _ in by_category(doc.lines):
        assert name in text and count > 0


def test_the_category_summary_follows_the_order_of_the_8_categories():
    names = [name for name, *_ in by_category(sample_finance_lines(80))]
    order = ("财务计划", "各项收入", "各项支出", "各项资产", "各类资源", "债权债务",
             "收益分配", "其他")
    assert names == [n for n in order if n in names]


def test_numbers_that_do_not_add_up_are_refused():
    doc = sample_finance(5)
    with pytest.raises(ValueError, match="逐笔相加"):
        render_finance(replace(doc, income_fen=doc.income_fen + 1,
                               closing_fen=doc.closing_fen + 1))
    with pytest.raises(ValueError, match="期初"):
        render_finance(replace(doc, closing_fen=doc.closing_fen + 1))


def test_an_overdrawn_account_prints_a_negative_balance_in_words():
    line = FinanceLine(date(2026, 10, 3), "记-001", "修桥垫付", "各项支出", 0, 500_000, "张三",
                       "李四")
    doc = sample_finance(lines=(line,), opening_fen=100_000)
    text = _flat(_pages(render_finance(doc)))
    assert "-4,000.00" in text and "负" + amount_in_words(400_000) in text


def test_hostile_text_prints_literally():
    hostile = '<img src="/etc/passwd"> & <b>'
    line = FinanceLine(date(2026, 10, 3), "记-001", hostile, "其他", 100, 0, "张三", "李四")
    text = _flat(_pages(render_finance(sample_finance(lines=(line,)))))
    assert hostile in text


def test_the_qr_code_opens_the_disclosure_page():
    doc = sample_finance(30)
    document = pdfium.PdfDocument(render_finance(doc))
    image = document[len(document) - 1].render(scale=3).to_pil()
    assert doc.url in {r.text for r in zxingcpp.read_barcodes(image)}


@settings(max_examples=25, deadline=None)
@given(count=st.integers(0, 90), seed=st.integers(0, 10_000))
def test_any_ledger_paginates_with_subtotals_that_add_up_to_the_totals(fonts, count, seed):
    doc = sample_finance(count, seed) if count else sample_finance(lines=())
    plan = plan_finance(doc, fonts)
    assert sum(p.income_fen for p in plan.pages) == doc.income_fen
    assert sum(p.expense_fen for p in plan.pages) == doc.expense_fen
    bottoms = [r.top - r.height for p in plan.pages for r in p.rows]
    assert all(b >= plan.footer_top - 0.01 for b in bottoms)
    assert plan.closing_qr is not None and plan.closing_qr[0] == len(plan.pages)


def test_large_print_turns_the_eight_columns_landscape_rather_than_crushing_the_summary(fonts):
    doc = sample_finance(12)
    large = board_style(large_print=True)
    document = pdfium.PdfDocument(render_finance(doc, fonts=fonts, style=large))
    width, height = document[0].get_size()
    assert width > height
    assert "收到土地流转租金（东片）" in _flat(_pages(render_finance(doc, fonts=fonts,
                                                                 style=large)))
    regular = pdfium.PdfDocument(render_finance(doc, fonts=fonts))
    assert regular[0].get_size()[0] < regular[0].get_size()[1]   # A4 portrait by default
