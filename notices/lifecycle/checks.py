"""Checks that block approval and publication, with the numbers side by side."""

from __future__ import annotations

from typing import Any

from notices.county.settings import whitelisted_numbers
from notices.fingerprint import fingerprint
from notices.kinds.finance import check_finance_totals, is_finance
from notices.kinds.payout import content_from_ledger
from notices.ledgers.models import PayoutBatch
from notices.models import Notice, NoticeKind, NoticeState
from notices.money import format_fen
from notices.privacy import gate
from villages.errors import CheckFailed


async def check_reason_publishable(reason: str, where: str) -> None:
    """A correction's or withdrawal's reason is shown on the web page and in every group:
    refuse it at once if it holds a personal number, rather than at publication."""
    gate.check_texts([(where, reason)], await whitelisted_numbers())


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
