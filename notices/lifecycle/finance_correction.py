"""Correcting a published finance disclosure (财务公开) from its re-signed period.

The path: a township reviewer reopens the signed period (``finance_reopen``), the
accountant re-imports it, the supervision committee signs it off again, and then the
correction is drafted here from the period as it is now. It is reviewed and published like
any correction: a new version marked 更正 that names the verify code it supersedes,
restarts the 公示期 and goes to every place the old version reached.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.fingerprint import fingerprint
from notices.kinds.finance import FinanceCheckFailed, finance_content
from notices.ledgers.models import FinancePeriod
from notices.lifecycle.workflow import move_state
from notices.models import Notice, NoticeState
from villages.errors import Conflict


async def correct_finance(notice: Notice, actor_name: str, actor_id: int, reason: str,
                          expected: NoticeState) -> None:
    """Redraft the disclosure from its period; the published version stays current until
    the correction is reviewed and published. Role, scope and reason are checked by the
    caller (``corrections.correct``)."""
    ref = notice.draft_content["finance_period"]
    period = await FinancePeriod.get_or_none(id=ref["id"])
    if period is None:
        raise Conflict(f"{ref['label']} 的财务数据已不存在；应撤回这份公示，而不是更正")
    if period.signed_off_at is None:
        raise FinanceCheckFailed(
            f"{ref['label']} 的财务已重新开放，村务监督委员会还没有重新签核；"
            "请监督委员会审核改正后的台账（cunwu finance signoff）后再更正",
            details={"check": "supervision", "signed_off": False})
    content = await finance_content(period)
    digest = fingerprint(content)
    if digest == notice.draft_sha256:
        raise Conflict(
            f"{ref['label']} 的财务与已发布的公示一致，没有需要更正的内容；如有记错的分录，"
            "请乡镇审核人先重新开放该期间（cunwu finance reopen），改正后由监督委员会重新签核")
    async with in_transaction():
        await move_state(notice, expected, NoticeState.DRAFT, draft_content=content,
                         draft_sha256=digest, batch_revision=period.revision,
                         correction_reason=reason, author_id=actor_id, approved_sha256="")
        await record_event(actor_name, "correct", f"notice:{notice.id}",
                           {"reason": reason, "finance_period": period.period,
                            "revision": period.revision})
