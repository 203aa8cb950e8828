"""The plain text that goes into villagers' groups (WeCom customer groups and ordinary
WeChat groups): fits a byte limit, names are masked, the link and verify code always fit.

Pure: content in, text out. Rows are added while they fit; the rest are counted and
pointed to the long image and the web page, which always carry the whole list.
"""

from __future__ import annotations

from typing import Any

from notices.fingerprint import format_code
from notices.money import format_fen
from notices.render.finance import total_phrase
from notices.render.payout import online_rows
from notices.render.publication import Publication
from pdf.amounts import amount_in_words

FORWARD_LIMIT_BYTES = 2048       # what a cadre pastes into a WeChat group (DESIGN §1)
CUSTOMER_GROUP_LIMIT_BYTES = 4000  # add_msg_template text.content


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def _zh(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def group_text(content: dict[str, Any], pub: Publication, limit: int = FORWARD_LIMIT_BYTES
               ) -> str:
    """Header, as many masked rows as fit, and a footer with the link; ≤ ``limit`` bytes."""
    region = content["region"]
    mark = "【更正】" if pub.correction_of else "【公示】"
    code_line = f"核验码：{format_code(pub.verify_code)}"
    head = [
        f"{mark}{content['title']}",
        f"地区：{region['township']} {region['name']}",
        f"公示期：{_zh(pub.period_start)}至{_zh(pub.period_end)}",
    ]
    listed = "rows" in content  # a payout list; a finance disclosure or general notice is not
    if listed:
        head.append(f"共{len(content['rows'])}户，合计{format_fen(content['total_fen'])}元"
                    f"（{amount_in_words(content['total_fen'])}）")
    elif phrase := total_phrase(content):
        head.append(phrase)
    head.append(code_line)
    if pub.correction_of:
        head.append(f"本版更正核验码 {format_code(pub.correction_of)} 的版本，以本版为准。")
    phone = f"（监督电话 {pub.supervision_phone}）" if pub.supervision_phone else ""
    foot = [f"全文和长图：{pub.url}", f"如有异议，请在公示期内向村委会或乡镇反映{phone}。"]
    rows = [f"{r['name']} {r['amount']}元" for r in online_rows(content)] if listed else []
    text = _assemble(head, rows, foot)
    shown = len(rows)
    while _size(text) > limit and shown > 0:
        shown -= 1
        more = [f"……其余{len(rows) - shown}户见长图或网页"]
        text = _assemble(head, rows[:shown] + more, foot)
    if _size(text) > limit:  # a title so long that even the header does not fit
        text = _assemble([head[0][: limit // 12], code_line], [], foot)
    return text


def _assemble(head: list[str], rows: list[str], foot: list[str]) -> str:
    middle = ["明细：", *rows] if rows else []
    return "\n".join([*head, *middle, *foot])
