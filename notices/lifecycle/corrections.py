"""After publication nothing changes silently: a ledger amendment makes the published notices
built from it stale, a correction publishes a new version that supersedes the old one, and a
withdrawal is announced wherever the notice went (DESIGN §3)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.clock import CHINA
from notices.county.settings import whitelisted_numbers
from notices.fingerprint import fingerprint
from notices.kinds.payout import content_from_ledger
from notices.ledgers.models import PayoutBatch, PayoutRow
from notices.ledgers.payouts.services import ImportSummary, import_payouts
from notices.lifecycle.checks import check_reason_publishable
from notices.lifecycle.finance_correction import correct_finance
from notices.lifecycle.workflow import move_state, stale_drafts
from notices.models import (
    Delivery,
    DeliveryPurpose,
    Notice,
    NoticeKind,
    NoticeState,
    NoticeVersion,
    VersionStatus,
    region_of,
)
from notices.money import format_fen, round_half_up_fen
from notices.privacy import gate
from notices.render.channel_texts import withdrawal_texts
from villages.errors import Conflict, InvalidInput, NotFound
from villages.models import Role, Staff
from villages.services import check_in_scope, check_role


def _reason(text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput(f"{what}必须写明理由（--reason）")
    return text[:500]


async def amend_payout_row(row_id: int, actor: Staff, reason: str, *,
                           amount_fen: int | None = None, quantity: Decimal | None = None,
                           name: str | None = None) -> list[int]:
    """Fix one ledger row (e.g. after an upheld objection); returns the ids of published
    notices that are now stale and need a correction. A row with a standard must still
    satisfy quantity × standard = amount afterwards."""
    check_role(actor, Role.TOWNSHIP_CLERK, Role.COUNTY_ADMIN)
    reason = _reason(reason, "修改台账")
    row = await PayoutRow.get_or_none(id=row_id)
    if row is None:
        raise NotFound(f"没有编号为 {row_id} 的发放记录")
    batch = await PayoutBatch.get(id=row.batch_id).prefetch_related("township")
    check_in_scope(actor, batch.township)
    if amount_fen is not None and amount_fen < 0:
        raise InvalidInput("补贴金额不能为负数")
    before = {"amount_fen": row.amount_fen, "quantity": row.quantity, "name": row.name}
    new_quantity = row.quantity if quantity is None else str(quantity)
    if quantity is not None and amount_fen is None and row.rate_fen is not None:
        amount_fen = round_half_up_fen(quantity, row.rate_fen)
    new_amount = row.amount_fen if amount_fen is None else amount_fen
    if new_quantity and row.rate_fen is not None:
        expected = round_half_up_fen(Decimal(new_quantity), row.rate_fen)
        if expected != new_amount:
            raise InvalidInput(
                f"数量 {new_quantity} × 标准 {format_fen(row.rate_fen)} = "
                f"{format_fen(expected)} 元，与金额 {format_fen(new_amount)} 元不符；"
                "请同时改正数量（--quantity）")
    async with in_transaction():
        batch.total_fen += new_amount - row.amount_fen
        row.amount_fen, row.quantity = new_amount, new_quantity
        if name is not None:
            row.name = name.strip()[:100]
        await row.save(update_fields=["amount_fen", "quantity", "name"])
        batch.revision += 1
        await batch.save(update_fields=["total_fen", "revision"])
        await record_event(actor.name, "amend_payout_row", f"payout_row:{row.id}",
                           {"before": before, "reason": reason,
                            "after": {"amount_fen": row.amount_fen, "quantity": row.quantity,
                                      "name": row.name}})
    return [n.id for n in await stale_notices(batch.id)]


def correctable_state(notice: Notice) -> NoticeState:
    """A notice is corrected while published or after its 公示期 closed (an objection may be
    answered after the period ends); the correction restarts the period either way."""
    return NoticeState.CLOSED if notice.state == NoticeState.CLOSED else NoticeState.PUBLISHED


async def import_payout_sheet(data: bytes, filename: str, **options: Any) -> ImportSummary:
    """Import a payout sheet; a re-import of a batch (``replace``) also lists the published
    notices it made stale, which now need a correction, and the unpublished ones drafted
    from the old sheet, which ``notice create --batch`` redrafts."""
    summary = await import_payouts(data, filename, **options)
    if summary.replaced:
        summary.stale_notices = [n.id for n in await stale_notices(summary.batch_id)]
        summary.stale_drafts = [n.id for n in await stale_drafts(summary.batch_id)]
    return summary


async def stale_notices(batch_id: int) -> list[Notice]:
    """Published notices of the batch whose content no longer matches the ledger."""
    stale = []
    for notice in await Notice.filter(batch_id=batch_id, state=NoticeState.PUBLISHED):
        if fingerprint(await content_from_ledger(notice)) != notice.draft_sha256:
            stale.append(notice)
    return stale


async def correct(notice: Notice, actor: Staff, reason: str) -> None:
    """Redraft a published notice from the ledger as it is now. The published version stays
    current until the correction is reviewed and published, then it is superseded."""
    check_role(actor, Role.TOWNSHIP_CLERK, Role.COUNTY_ADMIN)
    check_in_scope(actor, await region_of(notice))
    reason = _reason(reason, "更正")
    await check_reason_publishable(reason, "更正理由")
    if notice.kind == NoticeKind.FINANCE_VILLAGE:
        # Drafted from the re-signed period (reopen → re-import → sign-off), not a batch.
        await correct_finance(notice, actor.name, actor.id, reason, correctable_state(notice))
        return
    if notice.batch_id is None:
        raise InvalidInput("通知公告没有台账可重新生成：请用 cunwu notice correct ID --file "
                           "notice.yaml --reason … 给出改正后的内容")
    content = await content_from_ledger(notice)
    if content is None:
        raise Conflict("台账里这个村已没有发放记录；应撤回这份公示，而不是更正")
    digest = fingerprint(content)
    if digest == notice.draft_sha256:
        raise Conflict("台账与已发布的公示一致，没有需要更正的内容")
    batch = await PayoutBatch.get(id=notice.batch_id)
    expected = correctable_state(notice)
    async with in_transaction():
        await move_state(notice, expected, NoticeState.DRAFT, draft_content=content,
                    draft_sha256=digest, batch_revision=batch.revision,
                    correction_reason=reason, author_id=actor.id, approved_sha256="")
        await record_event(actor.name, "correct", f"notice:{notice.id}", {"reason": reason})


async def withdraw(notice: Notice, actor: Staff, reason: str) -> int:
    """Take a published notice down everywhere; returns how many places are told."""
    check_role(actor, Role.TOWNSHIP_REVIEWER, Role.COUNTY_ADMIN)
    check_in_scope(actor, await region_of(notice))
    reason = _reason(reason, "撤回")
    current = await NoticeVersion.get_or_none(notice=notice, status=VersionStatus.CURRENT)
    if current is None:
        raise Conflict(f"公示 {notice.id} 还没有发布，草稿直接退回即可，不需要撤回")
    # The reason goes to the web page, the robot and villagers' groups: the gate reads it
    # there first (the link's address does not matter to it).
    gate.check_texts(withdrawal_texts(current.content, current.verify_code, reason,
                                      f"/n/{current.verify_code}"), await whitelisted_numbers())
    reached = set(await Delivery.filter(version__notice_id=notice.id,
                                        purpose=DeliveryPurpose.PUBLISH)
                  .values_list("target_id", flat=True))
    now = datetime.now(CHINA)
    async with in_transaction():
        moved = await Notice.filter(id=notice.id).exclude(
            state__in=(NoticeState.WITHDRAWN, NoticeState.ARCHIVED)).update(
            state=NoticeState.WITHDRAWN, withdrawn_reason=reason)
        if not moved:
            raise Conflict(f"公示 {notice.id} 已经撤回或归档了，不能再撤回")
        # The event first: the database takes the status change only with it (0015).
        event = await record_event(actor.name, "withdraw", f"notice:{notice.id}",
                                   {"version": current.number, "reason": reason,
                                    "announced_to": len(reached)})
        await NoticeVersion.filter(id=current.id).update(
            status=VersionStatus.WITHDRAWN, withdrawn_reason=reason, status_changed_at=now,
            status_event_id=event.id)
        await Delivery.bulk_create([
            Delivery(version=current, target_id=t, purpose=DeliveryPurpose.WITHDRAW,
                     next_attempt_at=now) for t in sorted(reached)
        ])
    notice.state = NoticeState.WITHDRAWN
    return len(reached)
