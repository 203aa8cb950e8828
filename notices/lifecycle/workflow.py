"""A notice's life: draft → in review → approved → published (DESIGN §3).

State changes are conditional updates (``WHERE state = expected``), so two processes can't
both move the same notice; publication writes the version, its deliveries (the outbox) and
the audit event in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.clock import CHINA, today_in_china
from notices.county.contact_numbers import check_supervision_phone, township_of
from notices.county.settings import whitelisted_numbers
from notices.files import FileStore
from notices.fingerprint import fingerprint, verify_code
from notices.kinds.catalog import item_for_program
from notices.kinds.finance import check_finance_consistent
from notices.kinds.payout import summary_content, village_contents
from notices.ledgers.models import PayoutBatch
from notices.lifecycle import checks
from notices.models import (
    Delivery,
    Notice,
    NoticeKind,
    NoticeState,
    NoticeVersion,
    VersionStatus,
    region_of,
)
from notices.privacy import gate
from notices.render.board import board_pdf
from notices.render.channel_texts import publication_texts
from notices.render.publication import publication_of
from pdf import FontError
from villages import glossary
from villages.errors import Conflict, Forbidden, InvalidInput, NotFound
from villages.models import ChannelTarget, Region, Role, Staff
from villages.services import check_in_scope, check_role


def state_zh(state: NoticeState) -> str:
    """草稿, 待审核 …: the glossary's name of a state (villages.glossary)."""
    return glossary.state_zh(state)


@dataclass(frozen=True)
class PublishContext:
    """What publishing needs from the running service, passed in."""

    store: FileStore
    public_url: str
    publicity_days: int = 7
    today: date | None = None
    whitelist: frozenset[str] = frozenset()

    def notice_url(self, code: str) -> str:
        return f"{self.public_url}/n/{code}"


_UNPUBLISHED = (NoticeState.DRAFT, NoticeState.IN_REVIEW, NoticeState.APPROVED)


async def create_payout_notices(batch_id: int, actor: Staff) -> list[Notice]:
    """Draft one notice per village of the batch and the township summary. Again on a batch
    re-imported (``--replace``) since its notices were drafted, it redrafts the unpublished
    ones from the ledger as it is now (published ones are corrected: ``stale_notices``)."""
    check_role(actor, Role.TOWNSHIP_CLERK, Role.COUNTY_ADMIN)
    batch = await PayoutBatch.get_or_none(id=batch_id)
    if batch is None:
        raise NotFound(f"没有编号为 {batch_id} 的补贴批次")
    township = await Region.get(id=batch.township_id)
    check_in_scope(actor, township)
    existing = await Notice.filter(batch=batch).exclude(state=NoticeState.WITHDRAWN)
    if existing and not await stale_drafts(batch.id):
        raise Conflict(f"批次 {batch_id} 已有 {len(existing)} 份公示；用 cunwu notice list 查看")
    villages = await village_contents(batch)
    summary = summary_content(batch, township, villages)
    drafts = [(village_id, NoticeKind.PAYOUT_VILLAGE, c) for village_id, c in villages.items()]
    drafts.append((township.id, NoticeKind.PAYOUT_SUMMARY, summary))
    have = {(n.region_id, n.kind): n for n in existing}
    item = await item_for_program(batch.program)
    async with in_transaction():
        created = [
            await Notice.create(
                kind=kind, region_id=region_id, batch=batch, title=content["title"],
                catalog_item=item,
                draft_content=content, draft_sha256=fingerprint(content),
                batch_revision=batch.revision, author=actor,
            )
            for region_id, kind, content in drafts if (region_id, kind) not in have
        ]
        redrafted = await _redraft(batch, {(r, k): c for r, k, c in drafts}, existing, actor)
        await record_event(actor.name, "create_notices", f"batch:{batch.id}",
                           {"notices": [n.id for n in created],
                            "redrafted": [n.id for n in redrafted], "revision": batch.revision})
    return [*redrafted, *created]


async def stale_drafts(batch_id: int) -> list[Notice]:
    """Notices of the batch not yet published that were drafted before its last re-import:
    their content is the old sheet's, and ``create_payout_notices`` redrafts them."""
    batch = await PayoutBatch.get(id=batch_id)
    return await Notice.filter(batch_id=batch_id, state__in=_UNPUBLISHED).exclude(
        batch_revision=batch.revision).order_by("id")


async def _redraft(batch: PayoutBatch, contents: dict[tuple[int, NoticeKind], dict[str, Any]],
                   existing: list[Notice], actor: Staff) -> list[Notice]:
    """Unpublished drafts of an older revision get the ledger's content and start over as
    drafts (an earlier review approved other content). A village no longer in the sheet
    loses its never-published draft; a correction draft of a published notice stays for
    ``withdraw``, which is the way to take a published list down."""
    redrafted = []
    for notice in existing:
        if notice.state not in _UNPUBLISHED or notice.batch_revision == batch.revision:
            continue
        content = contents.get((notice.region_id, notice.kind))
        stale = Notice.filter(id=notice.id, state=notice.state,
                              batch_revision=notice.batch_revision)
        if content is None:
            if not await NoticeVersion.exists(notice_id=notice.id):
                await stale.update(state=NoticeState.WITHDRAWN,
                                   withdrawn_reason="重新导入后本村已无发放记录，草稿作废")
            continue
        changes = {"draft_content": content, "draft_sha256": fingerprint(content),
                   "title": content["title"], "batch_revision": batch.revision,
                   "state": NoticeState.DRAFT, "approved_sha256": "", "author_id": actor.id}
        if await stale.update(**changes):
            for key, value in changes.items():
                setattr(notice, key, value)
            redrafted.append(notice)
    return redrafted


async def move_state(notice: Notice, expected: NoticeState, new: NoticeState,
                     **changes: Any) -> None:
    """Change state only if it is still ``expected``: two processes can't both move it."""
    moved = await Notice.filter(id=notice.id, state=expected).update(state=new, **changes)
    if not moved:
        fresh = await Notice.get(id=notice.id)
        raise Conflict(f"公示 {notice.id} 现在是“{state_zh(fresh.state)}”，"
                       f"只有“{state_zh(expected)}”的公示才能这样操作")
    notice.state = new
    for key, value in changes.items():
        setattr(notice, key, value)


async def submit(notice: Notice, actor: Staff) -> None:
    check_role(actor, Role.TOWNSHIP_CLERK, Role.COUNTY_ADMIN)
    check_in_scope(actor, await region_of(notice))
    checks.check_rows_add_up(notice.draft_content)
    async with in_transaction():
        await move_state(notice, NoticeState.DRAFT, NoticeState.IN_REVIEW, reject_reason="")
        await record_event(actor.name, "submit", f"notice:{notice.id}")


async def approve(notice: Notice, actor: Staff, whitelist: frozenset[str] = frozenset()) -> None:
    check_role(actor, Role.TOWNSHIP_REVIEWER, Role.COUNTY_ADMIN)
    check_in_scope(actor, await region_of(notice))
    if notice.author_id == actor.id:
        raise Forbidden(f"{actor.name} 是这份公示的起草人，不能自己审核；请另一位审核人审核")
    await _run_checks(notice, whitelist | await whitelisted_numbers(await region_of(notice)))
    async with in_transaction():
        await move_state(notice, NoticeState.IN_REVIEW, NoticeState.APPROVED,
                    reviewer_id=actor.id, approved_sha256=notice.draft_sha256)
        await record_event(actor.name, "approve", f"notice:{notice.id}",
                           {"sha256": notice.draft_sha256})


async def reject(notice: Notice, actor: Staff, reason: str) -> None:
    check_role(actor, Role.TOWNSHIP_REVIEWER, Role.COUNTY_ADMIN)
    check_in_scope(actor, await region_of(notice))
    reason = reason.strip()
    if not reason:
        raise Conflict("退回时请写明理由（--reason）")
    async with in_transaction():
        await move_state(notice, NoticeState.IN_REVIEW, NoticeState.DRAFT,
                    reviewer_id=actor.id, reject_reason=reason[:500])
        await record_event(actor.name, "reject", f"notice:{notice.id}", {"reason": reason})


async def _run_checks(notice: Notice, whitelist: frozenset[str]) -> None:
    checks.check_rows_add_up(notice.draft_content)
    gate.check_no_personal_numbers(notice.draft_content, whitelist)
    await checks.check_batch_consistent(notice)
    await check_finance_consistent(notice)


async def publish(notice: Notice, actor: Staff, ctx: PublishContext) -> NoticeVersion:
    """Freeze the approved content as a version, render its board PDF and queue its
    deliveries, all in one transaction with the state change."""
    check_role(actor, Role.TOWNSHIP_CLERK, Role.TOWNSHIP_REVIEWER, Role.COUNTY_ADMIN)
    check_in_scope(actor, await region_of(notice))
    if notice.state != NoticeState.APPROVED:
        raise Conflict(f"公示 {notice.id} 是“{state_zh(notice.state)}”，审核通过后才能发布")
    if notice.approved_sha256 != notice.draft_sha256:
        raise Conflict("公示内容在审核后变了，请重新提交审核")
    region = await region_of(notice)
    township = await township_of(region)
    await check_supervision_phone(township)
    # Only this township's 监督电话 (and the county's numbers) may be printed on it.
    whitelist = ctx.whitelist | await whitelisted_numbers(region)
    await _run_checks(notice, whitelist)

    number = await NoticeVersion.filter(notice=notice).count() + 1
    previous = await NoticeVersion.get_or_none(notice=notice, status=VersionStatus.CURRENT)
    start = ctx.today or today_in_china()
    content = {
        **notice.draft_content,
        "notice_id": notice.id,
        "version": number,
        "period": {"start": start.isoformat(),
                   "end": (start + timedelta(days=ctx.publicity_days - 1)).isoformat()},
        "supervision_phone": township.supervision_phone,
    }
    if previous is not None:
        # A correction says, inside its fingerprinted content, what it replaces and why.
        content["correction"] = {"of": previous.verify_code, "of_version": previous.number,
                                 "reason": notice.correction_reason}
    digest = fingerprint(content)
    code = await _free_code(digest)
    pub = publication_of(content, code, ctx.notice_url(code))
    pdf_name = f"{code}.pdf"
    try:
        pdf_bytes = board_pdf(content, pub, ctx.store, draft=False)
    except FontError as exc:
        raise InvalidInput(f"公示表有字体印不出来的字，请核对后再发布：{exc}") from None
    # Everything every channel will show: the frozen content (with what publishing added:
    # the correction's reason, shown on the web page), the board's text layer, and each
    # group's message as the renderers join and cut it.
    gate.check_texts([*gate.scannable_texts(content), *gate.pdf_texts(pdf_bytes),
                      *publication_texts(content, pub)], whitelist)
    ctx.store.put(pdf_name, pdf_bytes)
    targets = await _targets_for(notice)
    now = datetime.now(CHINA)
    async with in_transaction():
        await move_state(notice, NoticeState.APPROVED, NoticeState.PUBLISHED, correction_reason="")
        # The event first: the database lets the old version be superseded only by the
        # newest audit event, this notice's "publish" (migration 0015).
        event = await record_event(actor.name, "publish", f"notice:{notice.id}",
                                   {"version": number, "fingerprint": digest,
                                    "verify_code": code,
                                    "supersedes": previous.verify_code if previous else None,
                                    "deliveries": len(targets)})
        if previous is not None:
            await NoticeVersion.filter(id=previous.id).update(
                status=VersionStatus.SUPERSEDED, status_changed_at=now,
                status_event_id=event.id)
        version = await NoticeVersion.create(
            notice=notice, number=number, content=content, fingerprint=digest,
            verify_code=code, status=VersionStatus.CURRENT, period_start=pub.period_start,
            period_end=pub.period_end, published_at=now, published_by=actor,
            pdf_file=pdf_name,
        )
        await Delivery.bulk_create([
            Delivery(version=version, target_id=target_id, next_attempt_at=now)
            for target_id in targets
        ])
    return version


async def _targets_for(notice: Notice) -> list[int]:
    """Every active target of the notice's region, plus every target an earlier version of
    this notice reached: a correction must arrive wherever the old version did."""
    active = await ChannelTarget.filter(region_id=notice.region_id, active=True).values_list(
        "id", flat=True)
    reached = await Delivery.filter(version__notice_id=notice.id).values_list(
        "target_id", flat=True)
    return sorted(set(active) | set(reached))


async def _free_code(digest: str) -> str:
    for attempt in range(8):
        code = verify_code(digest, attempt)
        if not await NoticeVersion.exists(verify_code=code):
            return code
    raise Conflict("核验码冲突过多，请重试")  # 8 collisions in 2^40 codes: not in practice


async def notices_of_batch(batch_id: int) -> list[Notice]:
    notices = await Notice.filter(batch_id=batch_id).order_by("id").prefetch_related(
        "region", "author")
    if not notices:
        raise NotFound(f"批次 {batch_id} 还没有公示；先用 cunwu notice create --batch {batch_id}")
    return notices
