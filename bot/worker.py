"""The delivery worker: takes due outbox rows and sends them to their platform.

A robot delivery is a short list of messages (the markdown card, split to fit 4096 bytes,
then the board PDF as a file). ``steps_done`` is saved after each message the platform
accepts, so a crash re-sends at most the one message that was in flight — the robot webhook
has no idempotency key, so that one duplicate is the best any sender can do.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import date, datetime

from bot.wechat.errors import DeliveryError, MediaExpiredError, RetryableDeliveryError
from bot.wechat.robot import WeComRobotClient, split_markdown
from notices import outbox
from notices.channels import robot_markdown, withdrawal_markdown
from notices.closing import close_expired
from notices.files import FileStore
from notices.general_channels import pdf_display_name
from notices.lifecycle import CHINA, publication_of, today_in_china
from notices.models import Delivery, DeliveryPurpose
from villages.models import ChannelKind

log = logging.getLogger("cunwu.worker")


@dataclass(frozen=True)
class Step:
    kind: str           # "markdown" | "file"
    payload: str        # markdown text, or the file's name in the store
    filename: str = ""  # what the cadres see in the group, e.g. 东湖村…公示-0XMG-B5KS.pdf


def robot_steps(delivery: Delivery, public_url: str) -> list[Step]:
    version = delivery.version
    if delivery.purpose == DeliveryPurpose.WITHDRAW:
        text = withdrawal_markdown(version.content, version.verify_code, version.withdrawn_reason)
        return [Step("markdown", chunk) for chunk in split_markdown(text)]
    pub = publication_of(version.content, version.verify_code,
                         f"{public_url}/n/{version.verify_code}")
    card = robot_markdown(version.content, pub)
    shown = pdf_display_name(version.content, version.verify_code)
    return [Step("markdown", chunk) for chunk in split_markdown(card)] + [
        Step("file", version.pdf_file, shown)
    ]


class DeliveryWorker:
    def __init__(self, robot: WeComRobotClient, store: FileStore, *, public_url: str,
                 lease_s: int = 60) -> None:
        self.robot = robot
        self.store = store
        self.public_url = public_url
        self.lease_s = lease_s
        self._daily_done_on: date | None = None

    async def run_once(self, limit: int = 10) -> int:
        """Deliver what is due now; return how many deliveries were worked on."""
        await self.daily_step()
        claimed = await outbox.claim_due(datetime.now(CHINA), self.lease_s, limit)
        for delivery in claimed:
            await self._deliver(delivery)
        return len(claimed)

    async def run_forever(self, interval_s: float, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                busy = await self.run_once()
            except Exception:  # a worker must outlive any one bad round
                log.exception("delivery round failed")
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
        if target.kind != ChannelKind.WECOM_ROBOT:
            await outbox.mark_failed(delivery, f"不支持的渠道 {target.kind}")
            return
        steps = robot_steps(delivery, self.public_url)
        try:
            for step in steps[delivery.steps_done:]:
                await self._send(target.address, step)
                await outbox.record_step(delivery)
        except RetryableDeliveryError as exc:
            state = await outbox.mark_retry(delivery, datetime.now(CHINA), str(exc),
                                            exc.retry_after_s)
            log.warning("delivery %s to %s: %s (%s)", delivery.id, target.name, exc, state)
            return
        except DeliveryError as exc:
            await outbox.mark_failed(delivery, str(exc))
            log.error("delivery %s to %s failed for good: %s", delivery.id, target.name, exc)
            return
        await outbox.mark_delivered(delivery, datetime.now(CHINA))
        log.info("delivery %s to %s delivered (%d messages)", delivery.id, target.name,
                 len(steps))

    async def _send(self, key: str, step: Step) -> None:
        if step.kind == "markdown":
            await self.robot.send_markdown(key, step.payload)
            return
        data = self.store.read(step.payload)
        media_id = await self.robot.upload_file(key, step.filename, data)
        try:
            await self.robot.send_file(key, media_id)
        except MediaExpiredError:
            # Media ids live 3 days; one fresh upload is all an expired id needs.
            await self.robot.send_file(key, await self.robot.upload_file(key, step.filename, data))
