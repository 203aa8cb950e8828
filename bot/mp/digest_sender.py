"""Sends the daily digest through the official account, never twice.

Steps, each saved on the digest row as soon as the platform accepts it (``steps_done``):

1. upload the cover as permanent image material → ``thumb_media_id``
2. ``draft/add`` → ``draft_media_id`` (a crash before saving only leaves an unused draft)
3. mass mode: ``message/mass/sendall`` with ``clientmsgid = cunwu-digest-<id>``: a repeat
   after a crash is answered 45065 with the first ``msg_id`` and sends nothing;
   publish mode: ``freepublish/submit``. It has no idempotency key, but a published draft
   leaves the draft box: if the draft is gone on a retry, it was already published.

After step 3 the row waits (``awaiting_confirmation``) for MASSSENDJOBFINISH /
PUBLISHJOBFINISH on the callback; a publish is also polled with ``freepublish/get``.
45009/45028 (daily quotas) put the row back until the next day in China.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from bot.mp.slow_replies import send_due_replies
from bot.settings import Config
from bot.wechat.errors import DeliveryError, RetryableDeliveryError
from bot.wechat.mp_client import OfficialAccountClient
from notices.clock import CHINA
from notices.delivery import digest as digests
from notices.delivery.mp_models import DigestMode, DigestState, MpDigest
from notices.delivery.outbox import MAX_ATTEMPTS, backoff_s
from pdf.fonts import DEFAULT_FONT_PATH

log = logging.getLogger("cunwu.digest")


@cache
def cover_png() -> bytes:
    """The article's cover (2.35:1, as WeChat crops it): the service's name, large."""
    image = Image.new("RGB", (900, 383), (22, 110, 60))
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype(str(DEFAULT_FONT_PATH), 120)
        draw.text((450, 190), "村务公开日报", fill="white", font=font, anchor="mm")
    except OSError:  # no CJK font: a plain cover still satisfies draft/add
        pass
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def clientmsgid(digest: MpDigest) -> str:
    return f"cunwu-digest-{digest.id}"


def digest_due_at(day_time: str, now: datetime) -> datetime:
    hh, mm = (int(x) for x in day_time.split(":"))
    return datetime.combine(now.astimezone(CHINA).date(), time(hh, mm), CHINA)


class DigestSender:
    def __init__(self, client: OfficialAccountClient, config: Config) -> None:
        self.client = client
        self.config = config
        self._built: date | None = None

    async def run_once(self, now: datetime | None = None) -> int:
        """Build today's digest once it is time, then send whatever is due."""
        now = now or datetime.now(CHINA)
        today = now.astimezone(CHINA).date()
        automatic = self.config.digest_time != "off"
        if automatic and now >= digest_due_at(self.config.digest_time, now) \
                and self._built != today:
            built = await digests.ensure_digest(today, now, public_url=self.config.public_url,
                                                account_type=self.config.mp_account_type)
            if built is not None:
                self._built = today   # no need to look again today
        worked = 0
        for digest_id in await digests.due_digests(now):
            digest = await digests.claim_digest(digest_id, now, self.config.delivery_lease)
            if digest is not None:
                await self.send(digest, now)
                worked += 1
        settle_after = now - timedelta(seconds=RESULT_POLL_AFTER_S)
        for digest in await MpDigest.filter(state=DigestState.AWAITING_CONFIRMATION,
                                            next_attempt_at__lte=settle_after):
            await self.poll_result(digest)
        return worked

    async def send(self, digest: MpDigest, now: datetime) -> None:
        try:
            await self._steps(digest)
        except RetryableDeliveryError as exc:
            if digest.attempts >= MAX_ATTEMPTS and not exc.retry_after_s:
                await digests.finish(digest, DigestState.FAILED, now, error=str(exc))
                return
            wait = max(exc.retry_after_s or 0.0, backoff_s(digest.attempts))
            await digests.finish(digest, DigestState.PENDING, now, error=str(exc),
                                 next_attempt_at=now + timedelta(seconds=wait))
            log.warning("digest %s: %s, again in %.0f s", digest.day, exc, wait)
            return
        except DeliveryError as exc:
            await digests.finish(digest, DigestState.FAILED, now, error=str(exc))
            log.error("digest %s failed for good: %s", digest.day, exc)
            return

    async def _steps(self, digest: MpDigest) -> None:
        now = datetime.now(CHINA)
        if digest.steps_done < 1:
            await digests.save_step(digest, thumb_media_id=await self.client.upload_image(
                cover_png()))
        if digest.steps_done < 2:
            article = {"title": digest.title, "author": "村务公开",
                       "digest": digest.title, "content": digest.content,
                       "content_source_url": f"{self.config.public_url}/",
                       "thumb_media_id": digest.thumb_media_id}
            await digests.save_step(digest,
                                    draft_media_id=await self.client.add_draft([article]))
        if digest.steps_done < 3 and digest.mode == DigestMode.MASS:
            msg_id = await self.client.mass_send_article(digest.draft_media_id,
                                                         clientmsgid(digest))
            await digests.save_step(digest, msg_id=msg_id)
        elif digest.steps_done < 3:
            if not await self.client.draft_exists(digest.draft_media_id):
                # Published by an attempt that crashed before saving the publish_id.
                await digests.save_step(digest)
                await digests.finish(digest, DigestState.DELIVERED, now,
                                     status="已发布（上次发送中断，发布编号未记录）")
                return
            await digests.save_step(digest,
                                    publish_id=await self.client.publish(digest.draft_media_id))
        await digests.finish(digest, DigestState.AWAITING_CONFIRMATION, now,
                             status="已提交，等待平台结果", next_attempt_at=now)
        log.info("digest %s submitted (%s)", digest.day, digest.mode.value)

    async def poll_result(self, digest: MpDigest) -> None:
        """Ask for the job's result when its event has not come (it can arrive before our
        commit of the id, or not at all)."""
        try:
            if digest.mode == DigestMode.MASS:
                status = await self.client.mass_status(digest.msg_id)
                code = str(status.get("msg_status", ""))
                if code in ("SEND_SUCCESS", "SEND_FAIL", "DELETE"):
                    await digests.job_finished(msg_id=digest.msg_id,
                                               ok=code == "SEND_SUCCESS", status=code)
                return
            status = await self.client.publish_status(digest.publish_id)
        except DeliveryError as exc:
            log.warning("digest %s: result unknown: %s", digest.day, exc)
            return
        code = status.get("publish_status")
        if code == 1:   # 发布中
            return
        items = (status.get("article_detail") or {}).get("item") or [{}]
        await digests.job_finished(publish_id=digest.publish_id, ok=code == 0,
                                   status=f"publish_status {code}",
                                   article_url=str(items[0].get("article_url", "")))


RESULT_POLL_AFTER_S = 120.0   # ask for a job's result when no event came by then
DIGEST_POLL_S = 2.0   # slow replies ride on this loop; the digest itself is built once


@contextlib.asynccontextmanager
async def digest_session(config: Config) -> AsyncIterator[DigestSender]:
    client = OfficialAccountClient(config.mp_appid, config.mp_secret, config.mp_api_base,
                                   timeout_s=10)
    try:
        yield DigestSender(client, config)
    finally:
        client.close()


async def run_digest_forever(sender: DigestSender, stop: asyncio.Event,
                             interval_s: float = DIGEST_POLL_S) -> None:
    while not stop.is_set():
        try:
            await sender.run_once()
            await send_due_replies(sender.client)
        except Exception:  # the loop must outlive one bad round (DB restart, ...)
            log.exception("official-account round failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_s)
