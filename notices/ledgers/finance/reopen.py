"""Reopening a signed-off finance period so a mis-booked entry can be fixed after the
disclosure was published.

A signed period is frozen. Only a township reviewer may reopen it, with a reason; the
sign-off is cleared (the committee must review the changed ledger again) and the revision
goes up, so every published disclosure of the period is stale from that moment and its
draft must be made again. The audit event keeps the sign-off as it was (before) and the
reopened state (after).

What reopening does NOT allow: changing the period's closing balance when a later period is
already imported. The later period opened with this closing and may itself be signed and
published; moving it silently would change a disclosure nobody reviewed. The import refuses
that with both numbers, and the accountant books the difference as an adjusting entry in the
current open period, which is how an error found after closing is corrected in the books.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.clock import CHINA
from notices.ledgers.finance.services import get_period
from notices.ledgers.models import FinancePeriod
from villages.errors import Conflict, InvalidInput
from villages.models import Region, Role, Staff
from villages.services import check_in_scope, check_role


@dataclass
class Reopened:
    period_id: int
    village: str
    period: str
    revision: int
    reason: str
    was_signed_by: str
    was_signed_at: str
    was_opinion: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


async def reopen_period(village_code: str, period_text: str, actor: Staff,
                        reason: str) -> Reopened:
    """Clear the committee's sign-off of a period so it can be re-imported; audited."""
    check_role(actor, Role.TOWNSHIP_REVIEWER)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("重新开放已签核的财务期间必须写明理由（--reason）")
    record = await get_period(village_code, period_text)
    village = await Region.get(id=record.village_id)
    check_in_scope(actor, village)
    if record.signed_off_at is None:
        raise Conflict(f"{village.name} {record.period} 的财务还没有签核，可以直接重新导入，"
                       "不需要重新开放")
    signer = await Staff.get_or_none(id=record.signed_off_by_id)
    before = {"revision": record.revision, "signed_off_by": signer.name if signer else None,
              "signed_off_at": record.signed_off_at.astimezone(CHINA).isoformat(),
              "signoff_opinion": record.signoff_opinion, "closing_fen": record.closing_fen}
    async with in_transaction():
        # Conditional on the sign-off still being the one we read: two reviewers (or a
        # reviewer and a sign-off) can't interleave.
        moved = await FinancePeriod.filter(
            id=record.id, revision=record.revision, signed_off_at=record.signed_off_at
        ).update(signed_off_at=None, signed_off_by_id=None, signoff_opinion="",
                 revision=record.revision + 1)
        if not moved:
            raise Conflict(f"{record.period} 刚被别人改动过，请重新查看后再操作")
        after = {"revision": record.revision + 1, "signed_off_by": None,
                 "signed_off_at": None, "signoff_opinion": ""}
        await record_event(actor.name, "finance_reopen", f"finance:{record.id}",
                           {"village": village.code, "period": record.period,
                            "reason": reason[:500], "before": before, "after": after})
    return Reopened(record.id, village.code, record.period, record.revision + 1, reason[:500],
                    before["signed_off_by"] or "", before["signed_off_at"],
                    record.signoff_opinion)
