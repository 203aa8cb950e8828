"""The body of a general notice (通知公告): a small, safe markup turned into plain blocks.

A clerk writes the body in a Markdown subset: paragraphs, headings (``#``…``###``), bulleted
and numbered lists, and pictures on a line of their own (``![图1 补贴标准](chart.png)``,
the file next to the notice's yaml). Nothing else is markup: ``**``, links, quotes, tables
and raw HTML print as the characters typed.

Why markdown-it-py and its "zero" preset: a CommonMark parser kept by the Executable Books
project (it backs MyST and rich), whose "zero" preset switches every rule off so we enable
exactly the four we allow; a whitelist, not a blocklist. We never use its HTML renderer:
the token stream becomes the plain blocks below, and each channel (PDF, web page, WeChat)
draws those itself, escaping as it goes.
"""

from __future__ import annotations

from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from villages.errors import InvalidInput

MAX_BODY_CHARS = 20_000   # a policy interpretation is a few pages, not a book
MAX_BLOCKS = 400
MAX_LIST_ITEMS = 100

_PARSER = MarkdownIt("zero").enable(["heading", "list", "image"])


def _inline_text(token: Token) -> tuple[str, list[dict[str, str]]]:
    """The text of an inline token, and any pictures in it (src, caption)."""
    text, pictures = [], []
    for child in token.children or []:
        if child.type == "image":
            pictures.append({"src": str(child.attrs.get("src", "")),
                             "caption": child.content.strip()})
        elif child.type in ("softbreak", "hardbreak"):
            text.append("")  # a line break inside a Chinese paragraph joins, no space
        else:
            text.append(child.content)
    return "".join(text).replace("\n", "").strip(), pictures


def parse_body(body: str) -> list[dict[str, Any]]:
    """Blocks in order: heading (level 1–3), paragraph, list (ordered, items), picture (src,
    caption). Raises InvalidInput naming the paragraph for what the markup can't hold."""
    if not isinstance(body, str) or not body.strip():
        raise InvalidInput("正文（body）不能为空", details={"field": "body"})
    if len(body) > MAX_BODY_CHARS:
        raise InvalidInput(f"正文太长了：{len(body)} 字，最多 {MAX_BODY_CHARS} 字",
                           details={"field": "body"})
    tokens = _PARSER.parse(body.replace("\r\n", "\n"))
    blocks: list[dict[str, Any]] = []
    depth = 0                      # list nesting
    items: list[str] | None = None
    ordered = False
    heading_level = 0
    for token in tokens:
        where = f"正文第{len(blocks) + 1}段"
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth += 1
            if depth > 1:
                raise InvalidInput(f"{where}：列表不能嵌套，请写成一层", details={"field": "body"})
            items, ordered = [], token.type == "ordered_list_open"
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth -= 1
            if items:
                blocks.append({"type": "list", "ordered": ordered, "items": items})
            items = None
        elif token.type == "list_item_open" and items is not None:
            items.append("")
        elif token.type == "inline":
            text, pictures = _inline_text(token)
            if items is not None:
                if pictures:
                    raise InvalidInput(f"{where}：列表里不能放图片，请把图片单独成段",
                                       details={"field": "body"})
                items[-1] = (items[-1] + text) if items[-1] else text
                if len(items) > MAX_LIST_ITEMS:
                    raise InvalidInput(f"{where}：一个列表最多 {MAX_LIST_ITEMS} 项",
                                       details={"field": "body"})
            elif pictures:
                if text or len(pictures) > 1:
                    raise InvalidInput(f"{where}：图片要单独占一段（一行只放一张图，前后空一行）",
                                       details={"field": "body"})
                blocks.append({"type": "picture", **pictures[0]})
            elif heading_level:
                blocks.append({"type": "heading", "level": heading_level, "text": text})
            elif text:
                blocks.append({"type": "paragraph", "text": text})
        if token.type == "heading_open":
            heading_level = min(int(token.tag[1]), 3)  # h4–h6 print as the smallest heading
        elif token.type == "heading_close":
            heading_level = 0
        if len(blocks) > MAX_BLOCKS:
            raise InvalidInput(f"正文段落太多了，最多 {MAX_BLOCKS} 段", details={"field": "body"})
    if not blocks:
        raise InvalidInput("正文（body）没有可公开的内容", details={"field": "body"})
    return blocks


def body_text(blocks: list[dict[str, Any]]) -> str:
    """The body as plain lines (robot card excerpt, digest, tests)."""
    lines: list[str] = []
    for block in blocks:
        if block["type"] in ("heading", "paragraph"):
            lines.append(block["text"])
        elif block["type"] == "list":
            lines += [f"{n}. {item}" if block["ordered"] else f"· {item}"
                      for n, item in enumerate(block["items"], 1)]
        elif block["type"] == "picture":
            lines.append(f"[图片] {block.get('caption', '')}".rstrip())
    return "\n".join(lines)
