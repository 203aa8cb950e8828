"""What anyone may send to the verify-code pages: any text in the code's place is a 404
(never a 500), and the real code typed in a villager's other spellings still opens."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.notices.objections.test_services import client, published  # noqa: F401

pytestmark = pytest.mark.storage
PLACES = ("/n/{}", "/n/{}.pdf", "/api/verify/{}")


async def test_any_text_in_the_codes_place_is_a_404_never_a_500(client, published):  # noqa: F811
    loop = asyncio.get_running_loop()

    async def statuses(value: str) -> set[int]:
        found = set()
        for place in PLACES:
            async with client.get(place.format(quote(value, safe=""))) as response:
                found.add(response.status)
        return found

    # Hypothesis runs in a thread; each request goes to the loop the database lives on.
    @settings(max_examples=40, deadline=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(st.text(min_size=1, max_size=300).filter(lambda t: t not in (".", "..")))
    def fuzz(value: str) -> None:
        found = asyncio.run_coroutine_threadsafe(statuses(value), loop).result(timeout=30)
        assert found == {404}, (value, found)

    await asyncio.to_thread(fuzz)


async def test_the_real_code_opens_in_a_villagers_other_spellings(client, published):  # noqa: F811
    _, version = published
    code = version.verify_code
    for typed in (code.lower(), f"{code[:4]}-{code[4:]}", f"{code[:4]} {code[4:]}",
                  code.translate(str.maketrans("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
                                               "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ"))):
        response = await client.get(f"/n/{quote(typed, safe='')}")
        assert response.status == 200, typed
