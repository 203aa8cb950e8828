"""split_markdown: the contract in its docstring, checked by hypothesis.

Contract: every chunk is non-empty, at most ``limit`` UTF-8 bytes, never starts or ends
with "\\n", and ``content == N0 + c0 + N1 + c1 + ... + ck + Nk+1`` where each ``Ni`` is
a run of zero or more "\\n" (the newlines we split on; zero where an over-long line was
hard-cut). Content that fits once outer newlines are stripped stays one chunk.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notices.render.robot import split_markdown

# Lines mixing 1-, 2-, 3- and 4-byte characters, blank lines and long lines.
_CHARS = st.sampled_from(["a", " ", "é", "村", "务", "#", "*", "😀", ">"])
_LINE = st.one_of(
    st.text(_CHARS, max_size=12),
    st.text(_CHARS, min_size=20, max_size=60),  # longer than small limits: hard cuts
    st.just(""),
)
_CONTENT = st.lists(_LINE, max_size=30).map("\n".join)


def _reconstructs(content: str, chunks: list[str]) -> bool:
    pattern = "\n*" + "\n*".join(re.escape(c) for c in chunks) + "\n*"
    return re.fullmatch(pattern, content) is not None


@settings(max_examples=400)
@given(content=_CONTENT, limit=st.integers(min_value=4, max_value=40))
def test_split_markdown_contract(content: str, limit: int) -> None:
    chunks = split_markdown(content, limit)
    for chunk in chunks:
        assert chunk
        assert len(chunk.encode("utf-8")) <= limit
        assert not chunk.startswith("\n") and not chunk.endswith("\n")
    assert _reconstructs(content, chunks)
    stripped = content.strip("\n")
    if len(stripped.encode("utf-8")) <= limit:
        assert chunks == ([stripped] if stripped else [])


@given(content=st.text(max_size=300))
def test_split_markdown_any_text(content: str) -> None:
    chunks = split_markdown(content, 16)
    assert all(0 < len(c.encode("utf-8")) <= 16 for c in chunks)
    assert _reconstructs(content, chunks)


@given(lines=st.lists(st.text(_CHARS, max_size=10), min_size=1, max_size=40))
def test_split_is_only_at_newlines_when_no_line_is_too_long(lines: list[str]) -> None:
    content = "\n".join(lines)
    for chunk in split_markdown(content, 40):  # every line ≤ 40 bytes: no hard cuts
        assert set(chunk.split("\n")) <= set(lines)


def test_split_markdown_examples() -> None:
    assert split_markdown("") == []
    assert split_markdown("\n\n") == []
    assert split_markdown("# 标题\n正文") == ["# 标题\n正文"]
    assert split_markdown("aaaa\nbbbb\ncc", limit=9) == ["aaaa\nbbbb", "cc"]
    assert split_markdown("村村村", limit=7) == ["村村", "村"]  # never inside a character
    assert split_markdown("a\n\nb", limit=4) == ["a\n\nb"]  # blank lines inside survive
    with pytest.raises(ValueError):
        split_markdown("x", limit=3)


def test_real_limit_chunks_fit_the_platform() -> None:
    notice = "\n".join(f"| {i} | 张三{i} | 低保补助 | 1,200.00 元 |" for i in range(400))
    chunks = split_markdown(notice)
    assert len(chunks) > 1
    assert all(len(c.encode("utf-8")) <= 4096 for c in chunks)
    assert "\n".join(chunks) == notice  # no hard cuts needed, so newlines are the seams
