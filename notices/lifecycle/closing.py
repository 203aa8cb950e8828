"""The end of a notice's life: published → closed (公示期满) → archived (DESIGN §2, issue 4).

``close_expired`` is the daily step (run by every worker and by ``cunwu notice close-expired``):
each published notice whose current version's 公示期 ended before today is closed. It is a
conditional update per notice, so any number of workers may run it at once: exactly one
of them moves each notice and writes its audit event. A closed notice's version stays
current and checkable; a personal list leaves the web after the grace (notices.privacy.retention).
"""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.lifecycle.workflow import move_state, state_zh
from notices.models import Notice, NoticeState, NoticeVersion, VersionStatus, region_of
from villages.errors import Conflict
from villages.models import Role, Staff
from villages.services import check_in_scope, check_role

DAILY_ACTOR = "system:daily"
_ARCHIVABLE = (NoticeState.CLOSED, NoticeState.WITHDRAWN)


async def close_expired(today: date) -> list[int]:
    """Close every published notice whose 公示期 is over; returns the ids this call closed."""
    ended = await NoticeVersion.filter(
        status=VersionStatus.CURRENT, period_end__lt=today,
        notice__state=NoticeState.PUBLISHED).values_list("notice_id", "period_end")
    closed = []
    for notice_id, period_end in ended:
        async with in_transaction():
            moved = await Notice.filter(id=notice_id, state=NoticeState.PUBLISHED).update(
                state=NoticeState.CLOSED)
            if moved:  # another worker may have got there first: then it records the event
                await record_event(DAILY_ACTOR, "close", f"notice:{notice_id}",
                                   {"period_end": period_end.isoformat()})
                closed.append(notice_id)
    return closed


async def archive(notice: Notice, actor: Staff) -> None:
    """File a closed or withdrawn notice away. Its records and versions stay; it leaves the
    working lists, and nothing can be done with it any more."""
    check_role(actor, Role.TOWNSHIP_CLERK, Role.TOWNSHIP_REVIEWER, Role.COUNTY_ADMIN)
    check_in_scope(actor, await region_of(notice))
    if notice.state not in _ARCHIVABLE:
        raise Conflict(f"公示 {notice.id} 现在是“{state_zh(notice.state)}”，"
                       "只有“公示期满”或“已撤回”的公示才能归档")
    async with in_transaction():
        await move_state(notice, notice.state, NoticeState.ARCHIVED)
        await record_event(actor.name, "archive", f"notice:{notice.id}")
