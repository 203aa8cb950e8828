"""The privacy gate (DESIGN §2 Privacy): before anything reaches a public channel, every
text it shows is scanned for ID, bank card and mobile numbers; a hit blocks it and says where.
"""

from __future__ import annotations

from typing import Any

import pypdfium2 as pdfium

from notices.privacy.scanner import find_personal_numbers
from villages.errors import CheckFailed

# A picture's SHA-256 (and the file name made from it) is no text anyone reads, and 64 hex
# digits can hold a Luhn-valid run of 16 digits: scanning them would block at random.
_NOT_TEXT = frozenset({"sha256", "file"})


def scannable_texts(content: Any, where: str = "") -> list[tuple[str, str]]:
    """(where, text) for every string anywhere in the content, for the privacy scan: a new
    field can't slip past it by not being listed here."""
    if isinstance(content, str):
        return [(where or "内容", content)]
    if isinstance(content, dict):
        return [pair for key, value in content.items() if key not in _NOT_TEXT
                for pair in scannable_texts(value, f"{where}.{key}" if where else str(key))]
    if isinstance(content, list):
        return [pair for index, value in enumerate(content, start=1)
                for pair in scannable_texts(value, f"{where}第{index}行")]
    return []



def check_no_personal_numbers(content: dict[str, Any], whitelist: frozenset[str]) -> None:
    check_texts(scannable_texts(content), whitelist)


def pdf_texts(pdf_bytes: bytes, name: str = "公示表") -> list[tuple[str, str]]:
    """(where, text) of every page of a PDF's text layer: what a reader of the file sees."""
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        return [(f"{name}第{n}页", page.get_textpage().get_text_range())
                for n, page in enumerate(document, start=1)]
    finally:
        document.close()


def check_rendered_texts(pdf_bytes: bytes, markdown: str, whitelist: frozenset[str]) -> None:
    """The same scan over what the channels will actually show: the board PDF's text layer
    and the group message, so nothing added by a template or the renderer escapes it."""
    check_texts([*pdf_texts(pdf_bytes), ("群消息", markdown)], whitelist)


def check_texts(texts: list[tuple[str, str]], whitelist: frozenset[str]) -> None:
    """Refuse when any (where, text) pair holds a personal number, naming each place."""
    hits = []
    for where, text in texts:
        for finding in find_personal_numbers(text, whitelist):
            hits.append({"where": where, "kind": finding.kind, "text": finding.masked})
    if hits:
        raise CheckFailed(
            f"公示内容中有 {len(hits)} 处疑似身份证号、银行卡号或手机号，不能发布："
            + "；".join(f"{h['where']}（{h['text']}）" for h in hits[:5]),
            details={"check": "privacy", "hits": hits},
        )
