"""Characters the font cannot draw are reported by name and origin, never printed blank."""

from __future__ import annotations

from pathlib import Path

import pytest

from pdf import render_notice
from pdf.fonts import FontError, FontFileError, FontSet, check_renderable, clean_text, load_fonts
from pdf.model import PayoutLine
from pdf.samples import sample_notice
from tests.pdf.readback import page_texts

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def test_common_names_and_punctuation_are_renderable(fonts: FontSet) -> None:
    check_renderable(["张三丰", "欧阳娜娜", "410521********1234", "（代领）“一卡通”：92.50元/亩"],
                     fonts)


def test_emoji_is_reported_with_the_text_it_came_from(fonts: FontSet) -> None:
    with pytest.raises(FontError) as caught:
        check_renderable(["李四", ("第3行 姓名", "张😀三")], fonts)
    (missing,) = caught.value.missing
    assert missing.char == "😀"
    assert missing.text == "张😀三"
    assert missing.where == "第3行 姓名"
    assert "U+1F600" in str(caught.value)
    assert "第3行 姓名" in str(caught.value)


def test_every_missing_character_is_listed(fonts: FontSet) -> None:
    rare = "\U00020000"  # CJK Extension B, as in some rare given names
    with pytest.raises(FontError) as caught:
        check_renderable(["王\ue000明", f"陈{rare}", "正常"], fonts)
    assert [(m.char, m.text) for m in caught.value.missing] == [
        ("\ue000", "王\ue000明"),
        (rare, f"陈{rare}"),
    ]
    assert "U+E000" in str(caught.value) and "U+20000" in str(caught.value)


def test_render_refuses_a_notice_with_an_undrawable_name(fonts: FontSet) -> None:
    doc = sample_notice(5, lines=(PayoutLine(name="赵\U0001f600", amount_fen=100),
                                  PayoutLine(name="钱二", amount_fen=200)))
    with pytest.raises(FontError) as caught:
        render_notice(doc, fonts=fonts)
    assert caught.value.missing[0].where == "第1行 姓名"


def test_invisible_format_characters_do_not_trip_the_check(fonts: FontSet) -> None:
    # BOM, zero-width space and a variation selector arrive from spreadsheets and phones.
    text = "\ufeff张\u200b三\ufe0f"
    assert clean_text(text) == "张三"
    check_renderable([text], fonts)


def test_control_characters_become_spaces() -> None:
    assert clean_text("张\t三\r\n李") == "张 三  李"
    assert clean_text("第一段\n第二段", keep_newlines=True) == "第一段\n第二段"


@pytest.mark.skipif(not DEJAVU.is_file(), reason="needs DejaVu Sans as a stand-in fallback")
def test_fallback_font_draws_what_the_main_font_lacks() -> None:
    fonts = load_fonts(fallback=DEJAVU)
    assert fonts.font_for("☺") is fonts.fallback
    assert fonts.font_for("张") is fonts.primary
    check_renderable(["张☺三"], fonts)
    runs = fonts.runs("张☺三")
    assert [piece for _, piece in runs] == ["张", "☺", "三"]
    pdf = render_notice(sample_notice(2, intro="笑脸☺符号"), fonts=fonts)
    assert "笑脸☺符号" in page_texts(pdf)[0]


def test_missing_font_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FontFileError, match=r"nope\.ttf"):
        load_fonts(tmp_path / "nope.ttf", fallback="")


def test_font_path_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.setenv("CUNWU_PDF_FONT", str(tmp_path / "from-env.ttf"))
    with pytest.raises(FontFileError, match=r"from-env\.ttf"):
        load_fonts(fallback="")
