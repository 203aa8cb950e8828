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
