"""The in-memory village-name check that spares chit-chat its database queries."""

from __future__ import annotations

import pytest

from bot.mp.village_names import VillageNames
from tests.builders import create_county
from villages import services as villages

pytestmark = pytest.mark.storage


class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_names_answer_without_a_query_and_a_new_village_shows_up(db) -> None:
    await create_county()
    clock = Clock()
    names = VillageNames(ttl_s=300, recheck_s=5, clock=clock)
    assert await names.might_match("东湖村") and await names.might_match("东湖")
    assert await names.might_match("城关镇东湖村")
    assert not await names.might_match("今天天气怎么样")
    await villages.import_regions([("419901100203", "南坪村")])
    assert not await names.might_match("南坪")        # set 0 s old: no second look
    clock.now += 6
    assert await names.might_match("南坪")            # a miss on an older set looks again
