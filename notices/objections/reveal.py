"""The one way staff see an objection as the villager wrote it, with the contact to call
back: asked for on purpose, with a reason, and recorded in the audit log first (the same
rule as a payout row's numbers, notices.ledgers.reveal). Listings show the text masked."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.models import Notice, region_of
from notices.objections.services import find_objection
from notices.privacy.cipher import SensitiveCipher
from villages.errors import InvalidInput
from villages.models import Role, Staff
from villages.services import check_in_scope, check_role


@dataclass(frozen=True)
class RevealedObjection:
    number: str
    text: str
    contact: str

    def __repr__(self) -> str:  # never let the villager's words reach a log by accident
        return f"RevealedObjection(number={self.number!r}, <text and contact redacted>)"


async def reveal_objection(number: str, actor: Staff, reason: str,
                           cipher: SensitiveCipher) -> RevealedObjection:
    check_role(actor, Role.TOWNSHIP_CLERK, Role.TOWNSHIP_REVIEWER, Role.COUNTY_ADMIN)
    reason = reason.strip()
    if len(reason) < 4:
        raise InvalidInput("查看异议原文和联系电话必须写明理由（--reason），例如：电话答复村民")
    objection = await find_objection(number)
    check_in_scope(actor, await region_of(await Notice.get(id=objection.version.notice_id)))
    async with in_transaction():
        # Recorded before the text leaves the service: no audit entry, no text.
        await record_event(actor.name, "reveal_objection", f"objection:{objection.id}",
                           {"reason": reason[:200]})
    return RevealedObjection(objection.number, objection.text,
                             cipher.decrypt(objection.contact_cipher))
