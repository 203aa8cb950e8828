"""Answers the callback could not give within WeChat's 5 seconds.

The villager gets a short "结果稍后发给您" at once; when the answer is ready it is queued
(``MpReply``) and a worker sends it as a customer-service message (客服消息). Only a service
account is assumed to have the customer-service API; on a subscription account the villager
is asked to send again instead (WeChat's retries of the same MsgId then get the answer).
The platform allows it within 48 h of the villager's message, 5 messages per message
(45015 / 45047): those failures are final, a busy platform is retried.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from tortoise.expressions import F, Q

from bot.wechat.errors import DeliveryError, RetryableDeliveryError
from bot.wechat.mp_client import OfficialAccountClient
from notices.clock import CHINA
from notices.delivery.mp_models import DigestState, MpReply
from notices.delivery.outbox import MAX_ATTEMPTS, backoff_s

log = logging.getLogger("cunwu.mp")
LEASE_S = 60
_pending: set[asyncio.Task[None]] = set()


def queue_when_ready(openid: str, answer: asyncio.Future[str],
                     text_of: Callable[[str], str]) -> None:
    """Queue the text of ``answer`` (a rendered reply) for ``openid`` once it is ready."""
    def done(future: asyncio.Future[str]) -> None:
        if future.cancelled() or future.exception() is not None:
            return
        text = text_of(future.result())
        if not text:
            return
        task = asyncio.get_running_loop().create_task(queue_reply(openid, text))
        _pending.add(task)
        task.add_done_callback(_pending.discard)

    answer.add_done_callback(done)


async def queue_reply(openid: str, text: str) -> MpReply:
    return await MpReply.create(openid=openid, text=text, next_attempt_at=datetime.now(CHINA))


async def send_due_replies(client: OfficialAccountClient, now: datetime | None = None,
                           limit: int = 20) -> int:
    now = now or datetime.now(CHINA)
    due = Q(state=DigestState.PENDING, next_attempt_at__lte=now) | Q(
        state=DigestState.SENDING, lease_until__lt=now)
    sent = 0
    for reply in await MpReply.filter(due).order_by("id").limit(limit):
        taken = await MpReply.filter(id=reply.id, state=reply.state).update(
            state=DigestState.SENDING, lease_until=now + timedelta(seconds=LEASE_S),
            attempts=F("attempts") + 1)
        if not taken:
            continue   # another worker has it
        try:
            await client.send_text(reply.openid, reply.text)
        except RetryableDeliveryError as exc:
            if reply.attempts + 1 >= MAX_ATTEMPTS:
                await _settle(reply, DigestState.FAILED, str(exc))
            else:
                wait = max(exc.retry_after_s or 0.0, backoff_s(reply.attempts + 1))
                await MpReply.filter(id=reply.id).update(
                    state=DigestState.PENDING, lease_until=None, last_error=str(exc)[:500],
                    next_attempt_at=now + timedelta(seconds=wait))
            continue
        except DeliveryError as exc:
            await _settle(reply, DigestState.FAILED, str(exc))
            log.warning("reply %s to a villager failed for good: %s", reply.id, exc)
            continue
        await _settle(reply, DigestState.DELIVERED, "", sent_at=now)
        sent += 1
    return sent


async def _settle(reply: MpReply, state: DigestState, error: str,
                  sent_at: datetime | None = None) -> None:
    await MpReply.filter(id=reply.id).update(state=state, lease_until=None,
                                             last_error=error[:500], sent_at=sent_at)
