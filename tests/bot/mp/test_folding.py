"""Folding a villager's message for matching, and finding what they typed again."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from bot.mp.folding import fold

# What villagers type: CJK, full-width letters, digits and punctuation, ASCII, spaces.
_ALPHABET = st.sampled_from(list("异议我家面积亩公示ＡＢ１２３，。！？：（）－ AB12,.-:\u3000\t\n"))
messages = st.text(_ALPHABET, max_size=40)


@given(messages)
def test_folded_text_is_the_nfkc_text_with_single_spaces(raw):
    expected = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", raw)).strip()
    assert fold(raw).text == expected


@given(messages, st.integers(0, 40), st.integers(0, 40))
def test_every_folded_span_leads_back_to_what_was_typed(raw, start, end):
    said = fold(raw)
    typed = said.original(start, end)
    assert typed in raw
    folded = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", typed)).strip()
    assert folded == said.text[start:end].strip()


def test_full_width_punctuation_is_found_again():
    said = fold("异议　７Ｆ３Ｋ－９２ＱＤ　我家８亩，不是７亩！")
    assert said.text == "异议 7F3K-92QD 我家8亩,不是7亩!"
    assert said.original(said.text.index("我")) == "我家８亩，不是７亩！"
