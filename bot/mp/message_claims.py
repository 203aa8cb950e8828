"""One message, one handling, one reply - across every web process.

WeChat retries a message it got no answer to (same MsgId, or FromUserName+CreateTime for
events) up to three times within 15 s, and nginx may hand each retry to another
``cunwu serve`` process. The in-process ``ReplayCache`` cannot see the others, so the first
process to see a message claims it with an INSERT on a unique key (``mp_message_claim``);
a process that loses the race waits for the winner's stored reply instead of acting again
(an objection is filed once). A claimer that dies before storing its reply frees the key
when its lease passes; rows are deleted a few minutes later.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from notices.clock import CHINA
from notices.delivery.mp_models import MpMessageClaim

log = logging.getLogger("cunwu.mp")

LEASE_S = 10.0         # longer than the callback's own 4 s answer limit
# WeChat's retries all come within 15 s, but a captured request stays valid for as long as
# its timestamp is within the callback's window (±300 s): keep the claim past that, so a
# replay gets the stored reply instead of filing the objection again.
KEEP_S = 660.0
POLL_S = 0.05
CLEAN_EVERY_S = 60.0


class MessageClaims:
    def __init__(self, clock: Callable[[], datetime] = lambda: datetime.now(CHINA)) -> None:
        self._clock = clock
        self._cleaned_at = 0.0
        self._cleaning: asyncio.Task[None] | None = None

    async def once(self, key: str, produce: Callable[[], Awaitable[str]]) -> str:
        """``produce()``'s result for ``key``, run by whichever process claims it first."""
        self._clean_now_and_then()
        while True:
            if await self._claim(key):
                return await self._produce(key, produce)
            stored = await MpMessageClaim.filter(key=key).values_list("reply", flat=True)
            if stored and isinstance(stored[0], str):
                return stored[0]
            await asyncio.sleep(POLL_S)   # the claimer is still at it (or just failed)

    async def _claim(self, key: str) -> bool:
        now = self._clock()
        lease, expires = now + timedelta(seconds=LEASE_S), now + timedelta(seconds=KEEP_S)
        try:
            await MpMessageClaim.create(key=key, lease_until=lease, expires_at=expires)
            return True
        except IntegrityError:
            pass
        # Taken. Take it over only from a claimer that died without a reply, or a row so
        # old that this is a new message reusing an id (the UPDATE lets one process win).
        taken = await MpMessageClaim.filter(
            Q(key=key) & (Q(reply__isnull=True, lease_until__lt=now) | Q(expires_at__lt=now))
        ).update(reply=None, lease_until=lease, expires_at=expires)
        return bool(taken)

    async def _produce(self, key: str, produce: Callable[[], Awaitable[str]]) -> str:
        try:
            reply = await produce()
        except Exception:
            # A failed attempt is not an answer: free the key for WeChat's retry.
            await MpMessageClaim.filter(key=key, reply__isnull=True).delete()
            raise
        await MpMessageClaim.filter(key=key).update(reply=reply)
        return reply

    async def accept_nonce(self, key: str, body_digest: str) -> bool:
        """False if another process accepted ``key`` (timestamp+nonce) with another body
        within the window; the first to see a pair records it (plaintext mode)."""
        self._clean_now_and_then()
        now = self._clock()
        expires = now + timedelta(seconds=KEEP_S)
        try:
            await MpMessageClaim.create(key=key, reply=body_digest, lease_until=now,
                                        expires_at=expires)
            return True
        except IntegrityError:
            pass
        # (A record kept past the window is never asked about: its timestamp is refused.)
        stored = await MpMessageClaim.filter(key=key).values_list("reply", flat=True)
        return bool(stored) and stored[0] == body_digest

    def _clean_now_and_then(self) -> None:
        """Delete expired rows at most once a minute per process, off the reply's path."""
        now = time.monotonic()
        if now - self._cleaned_at < CLEAN_EVERY_S or (
                self._cleaning is not None and not self._cleaning.done()):
            return
        self._cleaned_at = now
        self._cleaning = asyncio.get_running_loop().create_task(self.delete_expired())

    async def delete_expired(self) -> int:
        try:
            return await MpMessageClaim.filter(expires_at__lt=self._clock()).delete()
        except Exception:   # a busy database: the next round tries again
            log.warning("could not delete expired mp message claims", exc_info=True)
            return 0
