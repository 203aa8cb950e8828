"""Each channel's rendering of a general notice (通知公告). Pure functions, no database:
picture bytes are passed in by the caller (read and hash-checked by notices.kinds.general)."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from notices.fingerprint import format_code
from notices.kinds.general_markup import body_text
from pdf.general_model import BodyBlock, GeneralDoc, Heading, ListBlock, Paragraph, PictureBlock

if TYPE_CHECKING:
    from notices.render.publication import Publication
from notices.render.robot_text import inert

ROBOT_EXCERPT_CHARS = 300  # the card gives the gist; the PDF and the web page have it all


def is_general(content: dict[str, Any]) -> bool:
    return content.get("kind") == "general"


def _blocks(content: dict[str, Any], pictures: dict[str, bytes]) -> tuple[BodyBlock, ...]:
    out: list[BodyBlock] = []
    for block in content["body"]:
        kind = block["type"]
        if kind == "heading":
            out.append(Heading(block["text"], block["level"]))
        elif kind == "paragraph":
            out.append(Paragraph(block["text"]))
        elif kind == "list":
            out.append(ListBlock(tuple(block["items"]), block["ordered"]))
        elif kind == "picture":
            out.append(PictureBlock(pictures[block["sha256"]], block.get("caption", "")))
    return tuple(out)


def general_board_doc(content: dict[str, Any], pub: Publication, pictures: dict[str, bytes],
                      *, draft: bool) -> GeneralDoc:
    region = content["region"]
    today = pub.published_on or date.today()
    return GeneralDoc(
        title=content["title"], issuer=content["issuer"],
        region_name=f"{region['township']} · {region['name']}"
        if region["township"] != region["name"] else region["name"],
        body=_blocks(content, pictures),
        period_start=pub.period_start or today, period_end=pub.period_end or today,
        supervision_phone=pub.supervision_phone,
        verify_code=format_code(pub.verify_code) if pub.verify_code else "",
        url=pub.url, issued_on=pub.published_on, draft=draft,
        correction_of=format_code(pub.correction_of) if pub.correction_of else "",
        correction_reason=pub.correction_reason,
    )


def excerpt(content: dict[str, Any], limit: int = ROBOT_EXCERPT_CHARS) -> str:
    text = body_text(content["body"]).replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "……"


def general_robot_markdown(content: dict[str, Any], pub: Publication) -> str:
    """The card posted to the cadres' WeCom group: what it is, the gist, how to check it."""
    region = content["region"]
    pictures = sum(1 for b in content["body"] if b["type"] == "picture")
    lines = [
        f"## {inert(content['title'])}",
        f"> 地区：{inert(region['township'])} {inert(region['name'])}",
        f"> 公示期：{_zh_date(pub.period_start)} 至 {_zh_date(pub.period_end)}",
        f"> 核验码：<font color=\"warning\">{format_code(pub.verify_code)}</font>",
        "",
        inert(excerpt(content)),
    ]
    if pub.correction_of:
        lines.insert(1, f"**更正**：本版替代核验码 {format_code(pub.correction_of)} 的版本")
    if pictures:
        lines.append(f"（正文含 {pictures} 张图片，请看网页或 PDF）")
    lines += ["", f"[查看全文]({pub.url})", "公告 PDF 随后发送，请打印张贴并上传张贴照片。"]
    return "\n".join(lines)


def _zh_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def pdf_display_name(content: dict[str, Any], code: str) -> str:
    """The PDF's name as cadres see it in the group."""
    region = content["region"]["name"]
    if is_general(content):
        title = re.sub(r'[\\/:*?"<>|\s]', "_", content["title"][:40])  # a file name, not a path
        return f"{region}{title}-{format_code(code)}.pdf"
    if "balance" in content:  # a finance disclosure: its title names the village and month
        return f"{content['title']}-{format_code(code)}.pdf"
    return f"{region}{content['year']}年{content['program']}公示-{format_code(code)}.pdf"
