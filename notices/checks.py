"""Checks that block approval and publication, with the numbers side by side."""

from __future__ import annotations

from typing import Any

import pypdfium2 as pdfium

from notices.channels import scannable_texts
from notices.content import content_from_ledger
from notices.finance_notice import check_finance_totals, is_finance
from notices.fingerprint import fingerprint
from notices.idcard import find_personal_numbers
from notices.ledgers.models import PayoutBatch
from notices.models import Notice, NoticeKind, NoticeState
from notices.money import format_fen
from villages.errors import Conflict


class CheckFailed(Conflict):
    code = "check_failed"


def check_rows_add_up(content: dict[str, Any]) -> None:
    if is_finance(content):
        check_finance_totals(content)
        return
    rows_sum = sum(r["amount_fen"] for r in content["rows"])
    if rows_sum != content["total_fen"]:
        raise CheckFailed(
            f"逐行相加 {format_fen(rows_sum)} 元，与公示合计 {format_fen(content['total_fen'])} "
            "元不一致",
            details={"check": "rows_total", "rows_fen": rows_sum,
                     "total_fen": content["total_fen"]},
        )


def check_no_personal_numbers(content: dict[str, Any], whitelist: frozenset[str]) -> None:
    _refuse_hits(scannable_texts(content), whitelist)


def check_rendered_texts(pdf_bytes: bytes, markdown: str, whitelist: frozenset[str]) -> None:
    """The same scan over what the channels will actually show: the board PDF's text layer
    and the group message, so nothing added by a template or the renderer escapes it."""
    document = pdfium.PdfDocument(pdf_bytes)
    try:
        pages = [(f"公示表第{n}页", page.get_textpage().get_text_range())
                 for n, page in enumerate(document, start=1)]
    finally:
        document.close()
    _refuse_hits([*pages, ("群消息", markdown)], whitelist)


def _refuse_hits(texts: list[tuple[str, str]], whitelist: frozenset[str]) -> None:
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


async def check_batch_consistent(notice: Notice) -> None:
    """The notice still matches its batch, and the batch's notices add up everywhere:
    village notices = batch total = township summary."""
    if notice.batch_id is None:
        return
    batch = await PayoutBatch.get(id=notice.batch_id)
    if batch.revision != notice.batch_revision:
        raise CheckFailed(
            f"补贴批次在起草后被修改过（起草时第{notice.batch_revision}版，现为第{batch.revision}版），"
            "请重新生成公示",
            details={"check": "stale", "drafted": notice.batch_revision, "now": batch.revision},
        )
    current = await content_from_ledger(notice)
    if current is None or fingerprint(current) != notice.draft_sha256:
        raise CheckFailed("公示内容与补贴批次的当前数据不一致，请重新生成公示",
                          details={"check": "stale"})
    siblings = await Notice.filter(batch=batch).exclude(state=NoticeState.WITHDRAWN)
    village_sum = sum(n.draft_content["total_fen"] for n in siblings
                      if n.kind == NoticeKind.PAYOUT_VILLAGE)
    summary_sums = [n.draft_content["total_fen"] for n in siblings
                    if n.kind == NoticeKind.PAYOUT_SUMMARY]
    numbers = {"villages_fen": village_sum, "batch_fen": batch.total_fen,
               "summary_fen": summary_sums[0] if summary_sums else None}
    if village_sum != batch.total_fen or any(s != batch.total_fen for s in summary_sums):
        summary_text = format_fen(summary_sums[0]) if summary_sums else "（无）"
        raise CheckFailed(
            f"各村公示合计 {format_fen(village_sum)} 元，"
            f"批次合计 {format_fen(batch.total_fen)} 元，"
            f"乡镇汇总 {summary_text} 元，三者必须一致",
            details={"check": "batch_total", **numbers},
        )


def check_texts(texts: list[tuple[str, str]], whitelist: frozenset[str]) -> None:
    """The privacy scan over (where, text) pairs another channel renders (e.g. the digest)."""
    _refuse_hits(texts, whitelist)
