"""The one way to see a register row's ID, bank and phone numbers in clear: a township
reviewer asks for one row, on purpose, with a reason, and the audit log records it."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.ledgers.models import PayoutBatch, PayoutRow
from notices.privacy.cipher import SensitiveCipher
from villages.errors import InvalidInput, NotFound
from villages.models import Role, Staff
from villages.services import check_in_scope, check_role


@dataclass(frozen=True)
class RevealedRow:
    row_id: int
    name: str
    id_number: str
    bank_account: str
    phone: str

    def __repr__(self) -> str:  # never let the numbers reach a log by accident
        return f"RevealedRow(row_id={self.row_id}, <numbers redacted>)"


async def reveal_row(row_id: int, actor: Staff, reason: str,
                     cipher: SensitiveCipher) -> RevealedRow:
    check_role(actor, Role.TOWNSHIP_REVIEWER)
    reason = reason.strip()
    if len(reason) < 4:
        raise InvalidInput("查看完整号码必须写明理由（--reason），例如：核实异议 Y2026000012")
    row = await PayoutRow.get_or_none(id=row_id)
    if row is None:
        raise NotFound(f"没有编号为 {row_id} 的发放记录")
    batch = await PayoutBatch.get(id=row.batch_id).prefetch_related("township")
    check_in_scope(actor, batch.township)
    async with in_transaction():
        # Recorded before the numbers leave the service: no audit entry, no numbers.
        await record_event(actor.name, "reveal_row", f"payout_row:{row.id}",
                           {"reason": reason[:200], "batch": batch.id})
    return RevealedRow(
        row.id, row.name, cipher.decrypt(row.id_cipher),
        cipher.decrypt(row.bank_cipher) if row.bank_cipher else "",
        cipher.decrypt(row.phone_cipher) if row.phone_cipher else "")
