"""A payout board as the catalog item and a villager expect it: quantities in one precision
per column, 发放时间, and the 制表人/审核人 line. Read from the PDF text layer."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from notices.render.payout import PAID_BY_BANK, board_doc, online_rows
from notices.render.publication import Publication
from pdf.notice import render_notice
from tests.pdf.readback import page_texts

PUB = Publication(verify_code="7F3K92QD", url="https://cunwu.example.cn/n/7F3K92QD",
                  period_start=date(2026, 11, 23), period_end=date(2026, 11, 29),
                  published_on=date(2026, 11, 23), supervision_phone="0371-62345678")


def content(quantities: list[str], unit: str = "亩", **extra: Any) -> dict[str, Any]:
    rows = [{"name": f"张{'一二三四五六'[i]}", "group": "一组", "quantity": q, "rate_fen": 10512,
             "amount_fen": 10000 + i, "note": ""} for i, q in enumerate(quantities)]
    return {"kind": "payout_village", "title": "关于2026年耕地地力保护补贴发放情况的公示",
            "issuer": "城关镇人民政府",
            "region": {"code": "419901100201", "name": "东湖村", "township": "城关镇"},
            "intro": "现将补贴发放情况予以公示。", "rows": rows,
            "total_fen": sum(r["amount_fen"] for r in rows), "quantity_unit": unit, **extra}


def board_text(data: dict[str, Any]) -> str:
    return "\n".join(page_texts(render_notice(board_doc(data, PUB, draft=False))))


def test_quantities_show_the_precision_of_their_unit_whatever_was_typed():
    text = board_text(content(["3.5", "2", "12.25", "0.8"]))
    for shown in ("3.50", "2.00", "12.25", "0.80"):
        assert shown in text
    assert "数量（亩）" in text.replace("\r\n", "").replace("\n", "")


def test_a_typed_digit_beyond_the_units_precision_is_never_dropped():
    data = content(["3.5", "2.125"])
    assert [r["quantity"] for r in online_rows(data)] == ["3.500", "2.125"]  # web = board


def test_people_are_counted_whole():
    assert [r["quantity"] for r in online_rows(content(["3", "2.0"], unit="户"))] == ["3", "2"]


@pytest.mark.parametrize(("paid_on", "shown"), [
    ("2026-10-09", "发放时间：2026年10月9日"), ("2026-10", "发放时间：2026年10月"),
    ("", f"发放时间：{PAID_BY_BANK}"),
])
def test_the_board_says_when_the_money_was_paid(paid_on, shown):
    extra = {"paid_on": paid_on} if paid_on else {}
    assert shown in board_text(content(["1"], **extra))


def test_an_assistance_list_keeps_to_its_three_columns_and_no_date():
    data = content(["2"], unit="人", profile="assistance")
    assert "发放时间" not in board_text(data)


def test_the_board_has_a_line_for_who_made_and_who_checked_the_table():
    text = board_text(content(["1", "2"]))
    assert "制表人：" in text and "审核人：" in text
