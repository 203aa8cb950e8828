"""An upheld objection leads to a correction in one step (DESIGN §2, issue 4).

``uphold`` answers the objection as upheld and, with ``correct``, drafts the correction of
its notice in the same transaction: from the amended ledger for a payout list
(notices.lifecycle.corrections), or from a new notice.yaml for a general notice. Either both happen
or neither: an objection is never marked upheld with a correction that failed half-way.
The correction's reason names the objection, so the new version says why it exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from notices.files import FileStore
from notices.fingerprint import fingerprint
from notices.kinds.general import GeneralDraft
from notices.kinds.payout import content_from_ledger
from notices.lifecycle import corrections
from notices.lifecycle.general_correction import correct_general
from notices.models import Notice, NoticeKind, NoticeState
from notices.objections import services as objections
from notices.objections.models import Objection, ObjectionStatus
from villages.errors import Conflict, InvalidInput
from villages.models import Staff


@dataclass(frozen=True)
class Upheld:
    objection: Objection
    corrected: list[int]   # notices now in draft as corrections (none without --correct)


async def uphold(number: str, actor: Staff, answer: str, *, public: bool = False,
                 correct: bool = False, draft: GeneralDraft | None = None,
                 store: FileStore | None = None) -> Upheld:
    found = await objections.find_objection(number)
    notice = await Notice.get(id=found.version.notice_id)
    if draft is not None and not correct:
        raise InvalidInput("给了新的 notice.yaml 却没有 --correct：要更正请加 --correct")
    async with in_transaction():
        objection = await objections.answer(found.number, actor, answer,
                                            ObjectionStatus.UPHELD, public=public)
        if not correct:
            return Upheld(objection, [])
        reason = f"异议 {objection.number} 成立：{objection.answer}"
        if notice.kind == NoticeKind.GENERAL:
            if draft is None or store is None:
                raise InvalidInput("通知公告的更正要给出改正后的 notice.yaml（--file）")
            await correct_general(notice, draft, actor, reason, store)
            return Upheld(objection, [notice.id])
        # A payout list: the amended row changed this village's notice and the township
        # summary; both are corrected, or the batch's totals would no longer agree.
        stale = await _stale_with_summary(notice)
        if notice.id not in {n.id for n in stale}:
            raise Conflict("台账与已发布的公示一致，没有需要更正的内容。"
                           "请先用 cunwu payouts amend 改正台账，再 uphold --correct")
        for each in stale:
            await corrections.correct(each, actor, reason)
    return Upheld(objection, sorted(n.id for n in stale))


async def _stale_with_summary(notice: Notice) -> list[Notice]:
    """The objection's notice and its township summary, those whose content no longer
    matches the ledger; published or closed (an answer may come after the 公示期)."""
    candidates = await Notice.filter(
        Q(id=notice.id) | Q(batch_id=notice.batch_id, kind=NoticeKind.PAYOUT_SUMMARY),
        state__in=(NoticeState.PUBLISHED, NoticeState.CLOSED))
    stale = []
    for candidate in candidates:
        current = await content_from_ledger(candidate)
        if current is not None and fingerprint(current) != candidate.draft_sha256:
            stale.append(candidate)
    return stale
