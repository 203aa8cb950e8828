"""The outbox under stress: the shared robot window, the lease sweeper, the robot's one-
message crash window, and faults on every platform call - nothing lost, nothing doubled."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest

from notices.audit_anchors import ANCHOR_FILE, chain_head, latest_anchors, read_anchors
from notices.clock import CHINA
from notices.delivery import outbox, send_window
from notices.delivery.messages import Step
from notices.models import Delivery, DeliveryState
from tests.bot.worker.wecom_env import ROBOT_KEY, WeComEnv, make_due, publish_county, wecom
from villages.models import ChannelKind

pytestmark = pytest.mark.storage
__all__ = ["wecom"]


async def test_the_robot_window_holds_20_a_minute_across_concurrent_takers(db):
    bucket = send_window.robot_bucket("k" * 20)
    now = 1_800_000_000.0
    waits = await asyncio.gather(*(send_window.take_slot(bucket, now + i / 100)
                                   for i in range(30)))
    assert sum(1 for w in waits if w == 0) == 20
    assert all(0 < w <= 61 for w in waits if w)  # takers' clocks differ by < 1 s
    assert await send_window.take_slot(bucket, now + 59) > 0
    assert await send_window.take_slot(bucket, now + 60.5) == 0  # the oldest left the window
    assert "k" * 20 not in bucket  # the key itself is not stored


async def test_a_full_window_defers_without_using_an_attempt(wecom: WeComEnv):
    await publish_county(wecom.runtime)
    bucket = send_window.robot_bucket(ROBOT_KEY)
    worker = wecom.worker()
    for _ in range(20):  # other workers used this minute's 20 messages
        assert await send_window.take_slot(bucket, worker.clock()) == 0
    await worker.run_once()
    robot = await Delivery.get(target__kind=ChannelKind.WECOM_ROBOT)
    assert robot.state == DeliveryState.PENDING and robot.attempts == 0
    assert robot.next_attempt_at > datetime.now(CHINA) + timedelta(seconds=30)
    assert "20" in robot.last_error
    assert wecom.state.messages(ROBOT_KEY) == []


async def test_the_sweeper_returns_a_dead_workers_rows_and_counts_the_attempt(wecom: WeComEnv):
    await publish_county(wecom.runtime)
    now = datetime.now(CHINA)
    claimed = await outbox.claim_due(now, lease_s=60)
    assert claimed and all(d.attempts == 1 for d in claimed)  # the claim counts the attempt
    # The worker dies. Before the lease runs out nobody may take the rows.
    assert await outbox.claim_due(now, lease_s=60) == []
    assert await outbox.sweep_expired_leases(now) == 0
    swept = await outbox.sweep_expired_leases(now + timedelta(seconds=61))
    assert swept == len(claimed)
    for row in await Delivery.filter(id__in=[d.id for d in claimed]):
        assert row.state == DeliveryState.PENDING and row.attempts == 1
        assert "租约" in row.last_error


async def test_the_sweeper_fails_a_row_that_used_its_last_attempt(wecom: WeComEnv):
    await publish_county(wecom.runtime)
    await Delivery.all().update(attempts=outbox.MAX_ATTEMPTS - 1)
    now = datetime.now(CHINA)
    claimed = await outbox.claim_due(now, lease_s=60)
    await outbox.sweep_expired_leases(now + timedelta(seconds=61))
    for row in await Delivery.filter(id__in=[d.id for d in claimed]):
        assert row.state == DeliveryState.FAILED


async def test_a_crash_after_a_send_duplicates_that_one_message_only(wecom: WeComEnv,
                                                                     monkeypatch):
    await publish_county(wecom.runtime)
    worker = wecom.worker()
    real_record = outbox.record_step
    calls = {"n": 0}

    async def crash_after_second_send(delivery: Delivery, platform_id: str = "") -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # the file was accepted; the process dies before saving that
            raise SystemExit("worker killed")
        await real_record(delivery, platform_id)

    monkeypatch.setattr(outbox, "record_step", crash_after_second_send)
    with pytest.raises(SystemExit):
        while await worker.run_once():
            pass
    monkeypatch.setattr(outbox, "record_step", real_record)
    await outbox.sweep_expired_leases(datetime.now(CHINA) + timedelta(seconds=61))
    await make_due()
    while await worker.run_once():
        pass
    kinds = [m.msgtype for m in wecom.state.messages(ROBOT_KEY)]
    assert kinds == ["markdown", "file", "file", "image"]  # the one in-flight file, twice
    assert (await Delivery.get(target__kind=ChannelKind.WECOM_ROBOT)).state == "delivered"


async def test_an_expired_media_id_is_uploaded_again(wecom: WeComEnv):
    """A file upload that goes stale before its send (3 days) is re-uploaded once."""
    await publish_county(wecom.runtime)
    worker = wecom.worker()
    clock = {"now": 1_800_000_000.0}
    wecom.state.clock = lambda: clock["now"]
    real_store = wecom.state.store_media
    uploads = []

    def store_then_age(key: str, filename: str, data: bytes):
        media = real_store(key, filename, data)
        uploads.append(media.media_id)
        if len(uploads) == 1:
            clock["now"] += 3 * 86400  # the first id is older than 3 days at its send
        return media

    wecom.state.store_media = store_then_age  # type: ignore[method-assign]
    robot = await Delivery.get(target__kind=ChannelKind.WECOM_ROBOT).prefetch_related(
        "target", "version")
    await worker._send(robot, Step("file", robot.version.pdf_file, "公示.pdf"))
    [sent] = wecom.state.messages(ROBOT_KEY)
    assert len(uploads) == 2 and sent.media_id == uploads[1]


async def test_the_worker_runs_the_sweeper_as_its_own_loop(wecom: WeComEnv):
    """A row a dead worker left in `sending` is swept and then delivered by a live worker,
    while that worker keeps running."""
    await publish_county(wecom.runtime)
    robot = await Delivery.get(target__kind=ChannelKind.WECOM_ROBOT)
    expired = datetime.now(CHINA) - timedelta(seconds=5)
    await Delivery.filter(id=robot.id).update(state=DeliveryState.SENDING, lease_until=expired,
                                              attempts=1)
    worker = wecom.worker(lease_s=2)  # sweeps every second
    stop = asyncio.Event()
    task = asyncio.create_task(worker.run_forever(0.2, stop))
    try:
        for _ in range(100):
            if (await Delivery.get(id=robot.id)).state == DeliveryState.DELIVERED:
                break
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await task
    robot = await Delivery.get(id=robot.id)
    assert robot.state == DeliveryState.DELIVERED and robot.attempts == 2
    assert [m.msgtype for m in wecom.state.messages(ROBOT_KEY)] == ["markdown", "file", "image"]


async def test_a_page_image_over_the_limit_is_rendered_narrower(wecom: WeComEnv):
    from notices.models import NoticeVersion
    from notices.render.images import _page_one

    await publish_county(wecom.runtime)
    version = await NoticeVersion.filter().first()
    pdf = wecom.runtime.store.read(version.pdf_file)
    full = _page_one(pdf, 2 * 1024 * 1024)
    smaller = _page_one(pdf, len(full) - 1)
    assert len(smaller) < len(full)
    with pytest.raises(ValueError, match="540"):
        _page_one(pdf, 1000)


async def test_the_worker_anchors_the_audit_chain_when_it_grows(wecom: WeComEnv):
    await publish_county(wecom.runtime)   # publishing appends audit events
    worker = wecom.worker()
    path = wecom.runtime.config.home / ANCHOR_FILE
    await worker.sweep_once()
    head = await chain_head()
    assert head is not None
    assert [(a.event_id, a.hash, a.source) for a in latest_anchors(path, 5)] == [
        (head.event_id, head.hash, "worker")]
    await worker.sweep_once()             # nothing new: no new line
    assert len(read_anchors(path)[0]) == 1
