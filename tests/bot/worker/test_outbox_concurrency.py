"""Several workers claiming from the same outbox never take the same row. On PostgreSQL the
claim is FOR UPDATE SKIP LOCKED and each worker's transaction runs on its own pooled
connection; run with CUNWU_TEST_DATABASE_URL set (script/test does)."""

from __future__ import annotations

import asyncio
from datetime import datetime

import pytest
from tortoise import connections

from notices.clock import CHINA
from notices.delivery import outbox
from notices.models import Delivery
from tests.bot.worker.wecom_env import publish_county
from tests.builders import VILLAGE_A
from tests.conftest import PG_URL
from villages import services as villages

pytestmark = pytest.mark.storage
ROWS = 300


async def _many_rows(runtime) -> int:
    async def robots() -> None:
        for n in range(ROWS):
            await villages.add_robot(VILLAGE_A, f"机器人{n}", f"robot-key-{n:04d}-padding")

    await publish_county(runtime, robots)
    return await Delivery.all().count()


async def _worker(claimed: list[int], backends: set[int]) -> None:
    conn = connections.get("default")
    while True:
        rows = await outbox.claim_due(datetime.now(CHINA), lease_s=60, limit=7)
        if not rows:
            return
        if PG_URL:
            backends.add((await conn.execute_query_dict("SELECT pg_backend_pid() AS p"))[0]["p"])
        claimed.extend(r.id for r in rows)
        await asyncio.sleep(0)  # let the other workers in between claims


async def test_four_workers_claim_every_row_exactly_once(runtime):
    total = await _many_rows(runtime)
    assert total > ROWS
    claims: list[list[int]] = [[] for _ in range(4)]
    backends: set[int] = set()
    await asyncio.gather(*(_worker(c, backends) for c in claims))
    every = [i for c in claims for i in c]
    assert len(every) == len(set(every)) == total  # none twice, none lost
    assert sum(1 for c in claims if c) >= 2  # the work really was shared
    if PG_URL:
        assert len(backends) >= 2  # separate PostgreSQL connections did the claiming
    rows = await Delivery.all()
    assert all(r.attempts == 1 and r.state == "sending" for r in rows)


@pytest.mark.skipif(not PG_URL, reason="SKIP LOCKED needs PostgreSQL")
async def test_a_row_locked_by_one_worker_is_skipped_by_another(runtime):
    """Worker A holds its claim transaction open; worker B, on another connection, gets the
    other rows at once instead of waiting or taking A's."""
    await _many_rows(runtime)
    from tortoise.transactions import in_transaction

    first_id = (await Delivery.all().order_by("next_attempt_at", "id").first()).id
    started, release = asyncio.Event(), asyncio.Event()

    async def worker_a() -> None:
        async with in_transaction() as conn:
            await conn.execute_query(
                "SELECT id FROM delivery WHERE id = $1 FOR UPDATE", [first_id])
            started.set()
            await release.wait()

    task = asyncio.create_task(worker_a())
    await started.wait()
    taken = await asyncio.wait_for(outbox.claim_due(datetime.now(CHINA), 60, limit=5), 5)
    release.set()
    await task
    assert taken and first_id not in [r.id for r in taken]
