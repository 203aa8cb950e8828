"""WeChat retries a message it got no answer to within 5 s up to three times, with the same
MsgId (events: same FromUserName+CreateTime). Each id is processed once; every delivery of it
gets the same reply, including one that arrives while the first is still being processed.

In-process: the fast path. Retries that reach another web process are caught by
``message_claims`` (a unique row per message in the shared database, holding the reply).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable


class ReplayCache:
    def __init__(self, ttl_s: float = 300.0, max_entries: int = 20_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s, self.max_entries, self._clock = ttl_s, max_entries, clock
        self._entries: OrderedDict[str, tuple[float, asyncio.Future[str]]] = OrderedDict()

    def _expire(self, now: float) -> None:
        while self._entries:
            key, (expires, future) = next(iter(self._entries.items()))
            if expires > now and len(self._entries) <= self.max_entries:
                break
            if not future.done() and expires > now:
                break   # never drop one still running: its retry must not run it again
            del self._entries[key]

    async def once(self, key: str, produce: Callable[[], Awaitable[str]]) -> str:
        """``produce()``'s result for ``key``, running it only the first time."""
        now = self._clock()
        self._expire(now)
        entry = self._entries.get(key)
        if entry is None:
            future: asyncio.Future[str] = asyncio.ensure_future(produce())
            self._entries[key] = (now + self.ttl_s, future)
            future.add_done_callback(lambda f: self._forget_failure(key, f))
        else:
            future = entry[1]
        return await asyncio.shield(future)

    def running(self, key: str) -> asyncio.Future[str] | None:
        """The answer for ``key`` if it is still being produced."""
        entry = self._entries.get(key)
        return entry[1] if entry is not None and not entry[1].done() else None

    def _forget_failure(self, key: str, future: asyncio.Future[str]) -> None:
        # A failed attempt is not an answer: let WeChat's retry try again.
        if future.cancelled() or future.exception() is not None:
            current = self._entries.get(key)
            if current is not None and current[1] is future:
                del self._entries[key]

    def __len__(self) -> int:
        return len(self._entries)


class SeenNonces:
    """The (timestamp, nonce) pairs this process accepted, with a digest of each one's body.

    In plaintext mode the signature covers only token, timestamp and nonce: anyone who saw
    one signed request could pair its query with a body of their own (another openid, an
    objection) for as long as the timestamp is within the window. A pair comes back only as
    WeChat's own resend of the same body; a pair with another body is a forgery.
    """

    def __init__(self, ttl_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s, self._clock = ttl_s, clock
        self._seen: OrderedDict[str, tuple[float, str]] = OrderedDict()

    def accept(self, key: str, body_digest: str) -> bool:
        """False if ``key`` was seen within the window with another body."""
        now = self._clock()
        while self._seen:
            oldest, (expires, _) = next(iter(self._seen.items()))
            if expires > now:
                break
            del self._seen[oldest]
        seen = self._seen.get(key)
        if seen is not None:
            return seen[1] == body_digest
        self._seen[key] = (now + self.ttl_s, body_digest)
        return True
