"""Which texts could be a village name, answered from memory.

Most text a villager sends that is not a command is not a village name either ("你好",
"今天发钱吗"); without this each would cost two or three queries before the help text.
The set is refreshed when older than ``ttl_s``, and a miss on a set older than
``recheck_s`` refreshes once, so a village added a moment ago binds right away.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from villages.models import Level, Region

_TOWNSHIP_PREFIX = re.compile(r"^(.+?(?:镇|乡|街道))(.+)$")


class VillageNames:
    def __init__(self, ttl_s: float = 300.0, recheck_s: float = 5.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s, self.recheck_s, self._clock = ttl_s, recheck_s, clock
        self._villages: frozenset[str] = frozenset()
        self._townships: frozenset[str] = frozenset()
        self._loaded_at: float | None = None

    async def _load(self) -> None:
        rows = await Region.filter(level__in=[Level.VILLAGE, Level.TOWNSHIP]).values_list(
            "name", "level")
        self._villages = frozenset(n for n, level in rows if level == Level.VILLAGE)
        self._townships = frozenset(n for n, level in rows if level == Level.TOWNSHIP)
        self._loaded_at = self._clock()

    def _matches(self, text: str) -> bool:
        name = text.replace(" ", "")
        if name in self._villages or name + "村" in self._villages:
            return True
        parts = _TOWNSHIP_PREFIX.match(name)
        return bool(parts and parts.group(1) in self._townships)

    async def might_match(self, text: str) -> bool:
        """False only when ``text`` certainly names no village (then no query is needed)."""
        age = None if self._loaded_at is None else self._clock() - self._loaded_at
        if age is None or age > self.ttl_s:
            await self._load()
            return self._matches(text)
        if self._matches(text):
            return True
        if age > self.recheck_s:
            await self._load()
            return self._matches(text)
        return False
