"""Correcting a published general notice (通知公告): a new notice.yaml, a stated reason, and
the usual path (review, publication superseding the old version, delivery everywhere)."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.files import FileStore
from notices.fingerprint import fingerprint
from notices.kinds.general import GeneralDraft, general_content
from notices.lifecycle.checks import check_reason_publishable
from notices.lifecycle.corrections import correctable_state
from notices.lifecycle.workflow import move_state
from notices.models import Notice, NoticeKind, NoticeState
from villages.errors import Conflict, InvalidInput
from villages.models import Role, Staff
from villages.services import check_in_scope, check_role


async def correct_general(notice: Notice, draft: GeneralDraft, actor: Staff, reason: str,
                          store: FileStore) -> None:
    """Redraft from the new yaml; the published version stays current until this one is
    reviewed and published, then it is superseded (as for a payout correction)."""
    check_role(actor, Role.TOWNSHIP_CLERK, Role.COUNTY_ADMIN)
    reason = reason.strip()[:500]
    if not reason:
        raise InvalidInput("更正必须写明理由（--reason）")
    await check_reason_publishable(reason, "更正理由")
    if notice.kind != NoticeKind.GENERAL:
        raise InvalidInput("只有通知公告用 notice.yaml 更正；补贴公示请先修改台账再更正")
    content, region, item = await general_content(draft)
    check_in_scope(actor, region)
    if region.id != notice.region_id:
        was = notice.draft_content["region"]["name"]
        raise InvalidInput(f"region：更正不能换地区（原公告属于 {was}）",
                           details={"field": "region"})
    digest = fingerprint(content)
    if digest == notice.draft_sha256:
        raise Conflict("新的 notice.yaml 与已发布的公告一模一样，没有需要更正的内容")
    for picture in draft.pictures.values():
        store.put(picture.name, picture.data)
    expected = correctable_state(notice)
    async with in_transaction():
        await move_state(notice, expected, NoticeState.DRAFT, draft_content=content,
                         draft_sha256=digest, title=draft.title, catalog_item_id=item.id,
                         correction_reason=reason, author_id=actor.id, approved_sha256="")
        await record_event(actor.name, "correct", f"notice:{notice.id}", {"reason": reason})
