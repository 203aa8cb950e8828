"""The audit chain: one head whatever the concurrency, and no status change of a published
version without its event."""

from __future__ import annotations

import asyncio

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from notices.audit import GENESIS, find_broken_link, record_event
from notices.lifecycle import corrections
from notices.models import AuditEvent, NoticeVersion, VersionStatus
from tests.notices.lifecycle.test_corrections import _published

pytestmark = pytest.mark.storage

WRITERS = 50


async def test_fifty_concurrent_writers_leave_one_unbroken_chain(db):
    await record_event("system", "start", "chain")

    async def one_change(n: int) -> None:
        async with in_transaction():   # as a service does: its change, then its event
            await asyncio.sleep(0)
            await record_event(f"clerk{n}", "edit", f"notice:{n}", {"n": n})

    await asyncio.gather(*(one_change(n) for n in range(WRITERS)))
    events = await AuditEvent.all().order_by("id")
    assert len(events) == WRITERS + 1
    assert [e.prev_hash for e in events] == [GENESIS, *(e.hash for e in events[:-1])]
    assert await find_broken_link() is None


async def test_a_status_change_without_its_audit_event_is_refused(runtime):
    *_, donghu = await _published(runtime)
    version = await NoticeVersion.get(notice_id=donghu.id)
    conn = connections.get("default")
    for sql in (f"UPDATE notice_version SET status = 'withdrawn' WHERE id = {version.id}",
                f"UPDATE notice_version SET withdrawn_reason = '悄悄改' WHERE id = {version.id}"):
        with pytest.raises(Exception, match="audit event"):
            await conn.execute_query(sql)
    # An old event of the notice, or an event of another kind, doesn't make it legal either.
    publish = await AuditEvent.filter(action="publish", subject=f"notice:{donghu.id}").first()
    assert publish is not None
    with pytest.raises(Exception, match="audit event"):
        await conn.execute_query(f"UPDATE notice_version SET status = 'withdrawn', "
                                 f"status_event_id = {publish.id} WHERE id = {version.id}")
    other = await record_event("shell", "withdraw", "notice:999999")
    with pytest.raises(Exception, match="audit event"):
        await conn.execute_query(f"UPDATE notice_version SET status = 'withdrawn', "
                                 f"status_event_id = {other.id} WHERE id = {version.id}")
    assert (await NoticeVersion.get(id=version.id)).status == VersionStatus.CURRENT


async def test_a_withdrawal_through_the_service_records_its_event_and_passes(runtime):
    _, reviewer, _, _, donghu = await _published(runtime)
    await corrections.withdraw(donghu, reviewer, "批次重复导入，整批作废")
    version = await NoticeVersion.get(notice_id=donghu.id)
    event = await AuditEvent.get(id=version.status_event_id)
    assert version.status == VersionStatus.WITHDRAWN
    assert (event.action, event.subject) == ("withdraw", f"notice:{donghu.id}")
    assert await find_broken_link() is None


async def test_audit_events_stay_append_only_after_every_migration(db):
    await record_event("system", "start", "chain")
    conn = connections.get("default")
    for sql in ("UPDATE audit_event SET actor = 'x'", "DELETE FROM audit_event"):
        with pytest.raises(Exception, match=r"append-only|immutable"):
            await conn.execute_query(sql)
