"""The end of a notice's life — closed when its 公示期 is over, archived on request, a personal
list off the web after the grace — on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from notices.clock import CHINA
from notices.lifecycle import closing, corrections
from notices.lifecycle import workflow as lifecycle
from notices.lifecycle.due import due_items
from notices.models import AuditEvent, Notice, NoticeKind, NoticeState
from notices.public import verification
from tests.builders import TOWNSHIP
from tests.conftest import deliver_all
from tests.notices.lifecycle.test_workflow import _setup
from villages.errors import Conflict
from villages.models import Region

pytestmark = pytest.mark.storage

START = date(2026, 11, 2)          # 公示期 2026-11-02 … 2026-11-08 (7 days)
END = START + timedelta(days=6)


async def _published(runtime):
    clerk, reviewer, summary = await _setup(runtime)
    await Region.filter(code=TOWNSHIP).update(supervision_phone="0376-7712345")
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    ctx = replace(runtime.publish_context(), today=START)
    for notice in notices:
        await lifecycle.submit(notice, clerk)
        await lifecycle.approve(notice, reviewer)
        await lifecycle.publish(notice, reviewer, ctx)
    return clerk, reviewer, notices


async def test_notices_close_the_day_after_their_period_and_only_once(runtime):
    _, _, notices = await _published(runtime)
    assert await closing.close_expired(END) == []                 # last day: still up
    closed = await closing.close_expired(END + timedelta(days=1))
    assert sorted(closed) == sorted(n.id for n in notices)
    assert await closing.close_expired(END + timedelta(days=2)) == []
    assert await AuditEvent.filter(action="close").count() == len(notices)
    for notice in notices:
        await notice.refresh_from_db()
        assert notice.state == NoticeState.CLOSED
    check = await verification.verify((await notices[0].versions.all())[0].verify_code)
    assert check.status == "current"                       # still checkable


async def test_two_workers_closing_at_once_move_each_notice_once(runtime):
    _, _, notices = await _published(runtime)
    day = END + timedelta(days=1)
    first, second = await asyncio.gather(closing.close_expired(day), closing.close_expired(day))
    assert sorted(first + second) == sorted(n.id for n in notices)
    assert await AuditEvent.filter(action="close").count() == len(notices)


async def test_archive_takes_closed_or_withdrawn_and_refuses_the_rest_by_name(runtime):
    clerk, reviewer, notices = await _published(runtime)
    live = notices[0]
    with pytest.raises(Conflict) as caught:
        await closing.archive(live, clerk)
    assert "公示中" in caught.value.message and "公示期满" in caught.value.message
    await closing.close_expired(END + timedelta(days=1))
    await live.refresh_from_db()
    await closing.archive(live, clerk)
    assert live.state == NoticeState.ARCHIVED
    with pytest.raises(Conflict) as caught:
        await closing.archive(live, clerk)
    assert "已归档" in caught.value.message
    with pytest.raises(Conflict):
        await corrections.withdraw(live, reviewer, "归档后不能再撤回")
    with pytest.raises(Conflict):
        await corrections.correct(live, clerk, "归档后不能再更正")
    assert await AuditEvent.filter(action="archive").count() == 1


async def test_a_closed_batch_does_not_come_back_as_due(runtime):
    await _published(runtime)
    await closing.close_expired(END + timedelta(days=1))
    assert not [i for i in await due_items(END + timedelta(days=40)) if i.kind == "payout_notice"]


async def test_a_personal_list_leaves_the_web_after_the_grace_but_verify_still_works(
        runtime, monkeypatch):
    _, _, notices = await _published(runtime)
    village = next(n for n in notices if n.kind == NoticeKind.PAYOUT_VILLAGE)
    summary = next(n for n in notices if n.kind == NoticeKind.PAYOUT_SUMMARY)
    v_code = (await village.versions.all())[0].verify_code
    s_code = (await summary.versions.all())[0].verify_code
    config = replace(runtime.config, personal_list_grace_days=3)

    async def pages(today: date) -> dict[str, tuple[int, str]]:
        monkeypatch.setattr("notices.web.public_views.today_in_china", lambda: today)
        app = create_app(config, with_worker=False, open_db=False)
        async with TestClient(TestServer(app)) as http:
            out = {}
            for name, url in (("village", f"/n/{v_code}"), ("pdf", f"/n/{v_code}.pdf"),
                              ("summary", f"/n/{s_code}"),
                              ("verify", f"/api/verify/{v_code}")):
                response = await http.get(url)
                out[name] = (response.status, await response.text(errors="replace"))
            return out

    within_grace = await pages(END + timedelta(days=3))
    assert "张*国" in within_grace["village"][1] and within_grace["pdf"][0] == 200
    after = await pages(END + timedelta(days=4))
    status, html = after["village"]
    assert status == 200 and "张*国" not in html
    assert "公示期已结束，名单不再在网上公开" in html and "乡镇监督电话 0376-7712345" in html
    assert after["pdf"][0] == 404                        # full names leave the web too
    assert "东湖村" in after["summary"][1]              # a list of villages names no one
    assert after["verify"][0] == 200 and '"status": "current"' in after["verify"][1]


async def test_the_delivery_worker_runs_the_daily_close(runtime, fake_wechat, fixed_clock):
    _, _, notices = await _published(runtime)
    _, config = fake_wechat
    fixed_clock.move_to(datetime(2026, 11, 9, 8, 0, tzinfo=CHINA))  # the day after the end
    await deliver_all(config)
    states = {n.state for n in await Notice.filter(id__in=[n.id for n in notices])}
    assert states == {NoticeState.CLOSED}
