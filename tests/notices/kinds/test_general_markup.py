"""The general notice's markup and notice.yaml: what a clerk may write, and what is refused
with a message naming the field, before anything is saved."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from notices.kinds.general import MAX_EDGE_PX, load_notice_yaml, normalize_picture
from notices.kinds.general_markup import parse_body
from villages.errors import InvalidInput


def test_headings_paragraphs_lists_and_pictures_become_plain_blocks():
    blocks = parse_body("# 总标题\n\n## 一、标准\n\n第一行\n接着写\n\n- 甲\n- 乙\n\n"
                        "1. 一\n2. 二\n\n![图1 说明](chart.png)\n\n#### 小标题")
    assert blocks == [
        {"type": "heading", "level": 1, "text": "总标题"},
        {"type": "heading", "level": 2, "text": "一、标准"},
        {"type": "paragraph", "text": "第一行接着写"},
        {"type": "list", "ordered": False, "items": ["甲", "乙"]},
        {"type": "list", "ordered": True, "items": ["一", "二"]},
        {"type": "picture", "src": "chart.png", "caption": "图1 说明"},
        {"type": "heading", "level": 3, "text": "小标题"},
    ]


def test_html_links_emphasis_and_quotes_stay_the_characters_typed():
    text = '<img src="/etc/passwd"> **粗** [链接](http://x) > 引用 `代码`'
    assert parse_body(text) == [{"type": "paragraph", "text": text}]


@pytest.mark.parametrize("body, says", [
    ("", "不能为空"),
    ("- 甲\n  - 乙", "不能嵌套"),
    ("文字 ![图](a.png) 文字", "单独占一段"),
    ("- ![图](a.png)", "列表里不能放图片"),
    ("字" * 20_001, "太长"),
])
def test_what_the_markup_cannot_hold_is_refused_by_name(body, says):
    with pytest.raises(InvalidInput) as caught:
        parse_body(body)
    assert says in caught.value.message


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("#-*1.![]()<>&` \n甲乙丙\t>|_")), max_size=200))
def test_any_body_parses_to_blocks_or_a_clear_refusal(body):
    try:
        blocks = parse_body(body)
    except InvalidInput as exc:
        assert exc.message
        return
    for block in blocks:
        assert block["type"] in ("heading", "paragraph", "list", "picture")
        if block["type"] in ("heading", "paragraph"):
            assert block["text"].strip() == block["text"]


def _png(size=(400, 300), mode="RGB", fmt="PNG", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "white").save(out, fmt, **save)
    return out.getvalue()


def test_a_phone_photo_loses_its_exif_and_is_shrunk_to_the_cap():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"      # Make; GPS would be under 0x8825
    picture = normalize_picture(_png((4000, 3000), fmt="JPEG", exif=exif), "photo.jpg")
    assert max(picture.width, picture.height) == MAX_EDGE_PX
    assert picture.name.endswith(".jpg") and picture.name.startswith("pic-")
    with Image.open(io.BytesIO(picture.data)) as image:
        assert not image.getexif()


def test_transparency_is_flattened_onto_white_paper():
    picture = normalize_picture(_png(mode="RGBA"), "chart.png")
    with Image.open(io.BytesIO(picture.data)) as image:
        assert image.mode == "RGB"


@pytest.mark.parametrize("data, says", [
    (_png(fmt="GIF"), "只支持 PNG 或 JPEG"),
    (b"not a picture at all", "不是能打开的图片"),
    (_png()[:200], "不是能打开的图片"),                 # truncated
    (b"\0" * (9 * 1024 * 1024), "上限"),
])
def test_bad_pictures_are_refused_by_name(data, says):
    with pytest.raises(InvalidInput) as caught:
        normalize_picture(data, "chart.png")
    assert says in caught.value.message and "chart.png" in caught.value.message


def test_a_decompression_bomb_is_refused_before_decoding():
    with pytest.raises(InvalidInput) as caught:
        normalize_picture(_png((10_000, 10_000), mode="1"), "bomb.png")
    assert "像素过大" in caught.value.message


def _yaml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "notice.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, says", [
    ("title: 标题\nregion: '1'\ncatalog_item: X\n", "body"),
    ("region: '1'\ncatalog_item: X\nbody: 正文\n", "title"),
    ("title: [1, 2]\nregion: '1'\ncatalog_item: X\nbody: 正文\n", "title"),
    ("title: 标题\nregion: '1'\ncatalog_item: X\nbody: 正文\nextra: 1\n", "extra"),
    ("title: 标题\n  bad: : indent\n", "格式有误"),
    ("- just\n- a list\n", "字段: 值"),
    ("title: !!python/object/apply:os.system ['true']\n", "格式有误"),   # safe_load
    ("title: 标题\nregion: '1'\ncatalog_item: X\nbody: '![图](../secret.png)'\n", "只能写文件名"),
    ("title: 标题\nregion: '1'\ncatalog_item: X\nbody: '![图](missing.png)'\n", "找不到图片"),
])
def test_a_bad_notice_yaml_is_refused_naming_the_field(tmp_path, text, says):
    with pytest.raises(InvalidInput) as caught:
        load_notice_yaml(_yaml(tmp_path, text))
    assert says in caught.value.message
