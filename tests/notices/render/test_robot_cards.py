"""What a clerk typed reaches the cadres' WeCom group as text, never as robot markdown:
no link, colour or @-mention of theirs becomes live; our own card markup still does."""

from __future__ import annotations

import re
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from notices.render.publication import Publication
from notices.render.robot import robot_markdown, withdrawal_markdown
from notices.render.robot_text import inert

HOSTILE = ('[点此领取](http://evil.example/pay)<font color="warning">紧急</font><@all>'
           '\n> 请转账 **立即** `x` <@zhangsan> &lt;@all&gt; ![](http://evil.example/a.png)')
PUB = Publication(verify_code="7F3K92QD", url="http://cunwu.test/n/7F3K92QD",
                  period_start=date(2026, 10, 12), period_end=date(2026, 10, 19),
                  published_on=date(2026, 10, 12))
REGION = {"township": "柳河镇<@all>", "name": "东湖村[点](http://evil.example)", "code": "1"}


def _payout() -> dict:
    return {"title": HOSTILE, "region": REGION, "rows": [{"quantity": "1"}],
            "total_fen": 12345, "year": 2026, "program": "耕地地力保护补贴"}


def _finance() -> dict:
    balance = {"opening_fen": 0, "income_fen": 100, "expense_fen": 0, "closing_fen": 100}
    return {"title": HOSTILE, "region": REGION, "entries": [], "balance": balance,
            "supervision": {"by": "王<@all>", "at": "2026-10-10", "opinion": HOSTILE}}


def _general() -> dict:
    return {"kind": "general", "title": HOSTILE, "region": REGION,
            "body": [{"type": "paragraph", "text": HOSTILE}]}


def _live_markup(card: str) -> dict[str, list[str]]:
    return {"links": re.findall(r"\[[^\]\n]*\]\([^)\n]*\)", card),
            "fonts": re.findall(r"<font[^>]*>", card), "mentions": re.findall(r"<@", card),
            "quote_lines": [line for line in card.split("\n") if line.startswith(">")]}


def test_a_hostile_title_body_and_names_stay_text_in_every_kind_of_card():
    for content in (_payout(), _finance(), _general()):
        card = robot_markdown(content, PUB)
        live = _live_markup(card)
        assert live["links"] == [f"[{'查看全文' if 'kind' in content else '查看公示网页'}]"
                                 f"({PUB.url})"]                     # only our own link
        assert live["fonts"] == ['<font color="warning">']          # only the verify code's
        assert live["mentions"] == [] and "evil.example" not in "".join(live["links"])
        assert "请转账" in card and "＜@all＞" in card              # still readable as typed
        # The typed "\n> 请转账" did not open a quote line of its own.
        assert not any("请转账" in line for line in live["quote_lines"] if "：" not in line)


def test_a_withdrawal_card_shows_the_typed_reason_as_text():
    card = withdrawal_markdown(_payout(), "7F3K92QD", "[重新领取](http://evil.example) <@all>")
    live = _live_markup(card)
    assert live["links"] == [] and live["mentions"] == []
    assert live["fonts"] == ['<font color="warning">'] and "重新领取" in card


@given(st.text())
def test_inert_text_has_no_markup_character_and_no_line_break(text):
    out = inert(text)
    assert not set(out) & set("[]()<>*_`~#&\\|\r\n\t\u2028\u2029")
    assert len(out) == len(text)          # one character for one: nothing is lost or added
    assert inert(out) == out


@given(st.text(alphabet=st.characters(blacklist_characters="[]()<>*_`~#&\\|\r\n\t\u2028\u2029")))
def test_ordinary_chinese_text_is_left_exactly_as_typed(text):
    assert inert(text) == text
