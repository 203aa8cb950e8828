"""The delivery worker: takes due outbox rows and sends them to their platform. What each
message says is built in ``notices.delivery.messages``; the worker only sends it.

A robot delivery is a short list of messages (the markdown card, split to fit 4096 bytes,
the board PDF as a file, page 1 as an image). ``steps_done`` is saved after each message the
platform accepts, so a crash re-sends at most the one message that was in flight - the
robot webhook has no idempotency key, so that one duplicate is the best any sender can do.
Each message first takes a slot in the robot's shared 20-a-minute window (``send_window``).

A customer-group delivery creates one WeCom group-message task and waits in
``awaiting_confirmation`` until the cadre taps send; ``poll_once`` checks due tasks and
reminds the cadre after ``remind_after_s``. An ordinary-WeChat-group delivery has no API:
it waits for the cadre's confirmation on the forward-pack page (a withdrawal: on the
withdrawal-pack page ``/fw/<token>``, linked from the robot's withdrawal card).

Two loops run side by side: deliveries (and polls), and the lease sweeper.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from tortoise.transactions import in_transaction

from bot.wechat.customer_group import CustomerGroupClient
from bot.wechat.errors import DeliveryError, MediaExpiredError, RetryableDeliveryError
from bot.wechat.robot import WeComRobotClient
from notices.audit_anchors import anchor_head
from notices.clock import CHINA, today_in_china
from notices.delivery import outbox
from notices.delivery.messages import Step, group_task_message, robot_steps, tells_wechat_groups
from notices.delivery.models import CustomerGroupTask
from notices.delivery.send_window import robot_bucket, take_slot
from notices.delivery.targets import TARGET_DISABLED
from notices.files import FileStore
from notices.lifecycle.closing import close_expired
from notices.models import Delivery, DeliveryPurpose, VersionStatus
from notices.render.images import page_one_png
from villages.models import ChannelKind

log = logging.getLogger("cunwu.worker")

MAX_REMINDERS = 3  # remind_groupmsg_send: at most three a day per task
NO_POLL = timedelta(days=3650)  # forward packs: confirmed by the cadre, never polled
STALE_PUBLICATION = "未发出前这一版已被更正或撤回，不再发送"


class RateWindowFull(Exception):
    def __init__(self, wait_s: float) -> None:
        super().__init__(f"群机器人每分钟最多 20 条，{wait_s:.0f} 秒后再发")
        self.wait_s = wait_s


class DeliveryWorker:
    def __init__(self, robot: WeComRobotClient, store: FileStore, *, public_url: str,
                 lease_s: int = 60, groups: CustomerGroupClient | None = None,
                 pack_key: bytes = b"", poll_s: float = 300.0, remind_after_s: float = 7200.0,
                 anchors: Path | None = None, clock: Callable[[], float] = time.time) -> None:
        self.robot = robot
        self.store = store
        self.public_url = public_url
        self.lease_s = lease_s
        self.groups = groups
        self.pack_key = pack_key
        self.poll_s = poll_s
        self.remind_after_s = remind_after_s
        self.clock = clock
        self.anchors = anchors   # the audit chain's anchor file (notices.audit_anchors)
        self._daily_done_on: date | None = None

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), CHINA)

    async def run_once(self, limit: int = 10) -> int:
        """Close what is due to close once a day, deliver what is due now and poll due
        customer-group tasks; return how many rows were worked on."""
        await self.daily_step()
        claimed = await outbox.claim_due(self._now(), self.lease_s, limit)
        for delivery in claimed:
            await self._deliver(delivery)
        return len(claimed) + await self.poll_once(limit)

    async def sweep_once(self) -> int:
        swept = await outbox.sweep_expired_leases(self._now())
        if swept:
            log.warning("sweeper: %d deliveries returned from an expired lease", swept)
        await self.anchor_once()
        return swept

    async def anchor_once(self) -> None:
        """Every sweep (half a lease, 30 s by default): if the audit chain grew, its head
        goes to the anchor file outside the database, so a later rewrite or truncation of
        the chain shows in ``cunwu audit verify``."""
        if self.anchors is None:
            return
        try:
            await anchor_head(self.anchors, "worker")
        except OSError:   # a full or read-only disk must not stop deliveries
            log.exception("could not write the audit anchor file %s", self.anchors)

    async def poll_once(self, limit: int = 10) -> int:
        if self.groups is None:
            return 0
        due = await outbox.claim_polls(self._now(), self.poll_s,
                                       [ChannelKind.WECOM_CUSTOMER_GROUP], limit)
        for delivery in due:
            await self._poll_group_task(delivery)
        return len(due)

    async def run_forever(self, interval_s: float, stop: asyncio.Event) -> None:
        sweep_every = max(1.0, self.lease_s / 2)
        await asyncio.gather(self._loop(self.run_once, interval_s, stop),
                             self._loop(self.sweep_once, sweep_every, stop))

    async def _loop(self, work: Callable[[], Awaitable[int]], interval_s: float,
                    stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                busy = await work()
            except Exception:  # a worker must outlive any one bad round
                log.exception("worker round failed")
                busy = 0
            if not busy:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=interval_s)

    async def daily_step(self) -> None:
        """Once per day per worker: close notices whose 公示期 ended (safe to run on many)."""
        today = today_in_china()
        if self._daily_done_on == today:
            return
        closed = await close_expired(today)
        self._daily_done_on = today
        if closed:
            log.info("closed %d notices whose 公示期 ended", len(closed))

    async def _deliver(self, delivery: Delivery) -> None:
        target = delivery.target
        if (delivery.purpose == DeliveryPurpose.PUBLISH
                and delivery.version.status != VersionStatus.CURRENT):
            # Corrected or withdrawn before it went out: sending it now would spread what
            # no longer stands (the correction or the withdrawal notice has its own row).
            await outbox.mark_failed(delivery, STALE_PUBLICATION)
            return
        if not target.takes_deliveries:  # disabled or rejected after this row was queued
            await outbox.mark_failed(delivery, TARGET_DISABLED)
            return
        try:
            if target.kind == ChannelKind.WECOM_ROBOT:
                await self._deliver_robot(delivery)
            elif target.kind == ChannelKind.WECOM_CUSTOMER_GROUP:
                await self._create_group_task(delivery)
            elif target.kind == ChannelKind.WECHAT_GROUP:
                # No API exists: the pack waits on its page for the cadre's confirmation.
                await outbox.await_confirmation(delivery, self._now() + NO_POLL)
            else:
                await outbox.mark_failed(delivery, f"不支持的渠道 {target.kind}")
        except RateWindowFull as full:
            await outbox.defer(delivery, self._now() + timedelta(seconds=full.wait_s), str(full))
        except RetryableDeliveryError as exc:
            state = await outbox.mark_retry(delivery, self._now(), str(exc), exc.retry_after_s)
            log.warning("delivery %s to %s: %s (%s)", delivery.id, target.name, exc, state)
        except DeliveryError as exc:
            await outbox.mark_failed(delivery, str(exc))
            log.error("delivery %s to %s failed for good: %s", delivery.id, target.name, exc)

    # -- group robot -------------------------------------------------------------------

    async def _deliver_robot(self, delivery: Delivery) -> None:
        target = delivery.target
        steps = robot_steps(delivery, self.public_url, self.pack_key,
                            await tells_wechat_groups(delivery))
        for step in steps[delivery.steps_done:]:
            wait = await take_slot(robot_bucket(target.address), self.clock())
            if wait:
                raise RateWindowFull(wait)
            await self._send(delivery, step)
            await outbox.record_step(delivery)
        await outbox.mark_delivered(delivery, self._now())
        log.info("delivery %s to %s delivered (%d messages)", delivery.id, target.name,
                 len(steps))

    async def _send(self, delivery: Delivery, step: Step) -> None:
        key = delivery.target.address
        if step.kind == "markdown":
            await self.robot.send_markdown(key, step.payload)
            return
        if step.kind == "image":
            await self.robot.send_image(key, await page_one_png(self.store, delivery.version))
            return
        data = self.store.read(step.payload)
        media_id = await self.robot.upload_file(key, step.filename, data)
        try:
            await self.robot.send_file(key, media_id)
        except MediaExpiredError:
            # Media ids live 3 days; one fresh upload is all an expired id needs.
            await self.robot.send_file(key, await self.robot.upload_file(key, step.filename, data))

    # -- customer groups ---------------------------------------------------------------

    async def _create_group_task(self, delivery: Delivery) -> None:
        if self.groups is None:
            raise RetryableDeliveryError("企业微信客户群未配置（CUNWU_WECOM_CORPID）")
        message = await group_task_message(delivery, self.store, self.public_url)
        attachments: list[dict[str, object]] = []
        if message.image_png:
            media_id = await self.groups.upload_image(message.image_png, message.image_name)
            attachments.append({"msgtype": "image", "image": {"media_id": media_id}})
        attachments.append({"msgtype": "link", "link": message.link})
        # The one crash window here: a task created but not recorded is created again
        # on the retry, and the cadre sees it twice. WeCom has no idempotency key either.
        msgid = await self.groups.add_group_task(delivery.target.address, message.text,
                                                attachments)
        async with in_transaction():
            await CustomerGroupTask.create(delivery=delivery, msgid=msgid,
                                           sender=delivery.target.address)
            await outbox.await_confirmation(delivery, self._now() + timedelta(
                seconds=self.poll_s), msgid)
        log.info("delivery %s: customer-group task created, waiting for %s to send",
                 delivery.id, delivery.target.name)

    async def _poll_group_task(self, delivery: Delivery) -> None:
        assert self.groups is not None
        task = await CustomerGroupTask.get_or_none(delivery=delivery)
        if task is None:
            await outbox.mark_failed(delivery, "客户群任务记录丢失")
            return
        now = self._now()
        try:
            sent = await self.groups.sent_by(task.msgid, task.sender)
            if sent:
                reached = await self.groups.groups_reached(task.msgid, task.sender)
                await CustomerGroupTask.filter(id=task.id).update(confirmed_at=now,
                                                                  groups_sent=reached)
                await outbox.mark_delivered(delivery, now)
                log.info("delivery %s: cadre sent it to %d customer groups", delivery.id,
                         reached)
                return
            since = task.reminded_at or task.created_at
            if (sent is False and task.reminders < MAX_REMINDERS
                    and (now - since).total_seconds() >= self.remind_after_s):
                await self.groups.remind(task.msgid)
                await CustomerGroupTask.filter(id=task.id).update(
                    reminders=task.reminders + 1, reminded_at=now)
                log.info("delivery %s: reminded %s to send", delivery.id, delivery.target.name)
        except RetryableDeliveryError as exc:
            await Delivery.filter(id=delivery.id).update(last_error=str(exc)[:500])
        except DeliveryError as exc:
            await outbox.mark_failed(delivery, str(exc))
