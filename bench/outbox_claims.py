"""Benchmark: how fast workers drain the delivery outbox, and what a robot slot costs.

    .venv/bin/python bench/outbox_claims.py [--rows 3000] [--workers 1 2 4 8]

On a throwaway PostgreSQL database (and a fresh SQLite file for one worker), ``--rows``
deliveries are queued; W workers, each an asyncio task whose transactions take their own
pooled connection, claim 10 at a time (FOR UPDATE SKIP LOCKED) and mark each delivered with
no platform call. Printed: rows/s per W, and that no row was claimed twice. Then the cost
of one ``take_slot`` (the shared 20-a-minute robot window) and one shared-token read.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_ADMIN = os.environ.get("CUNWU_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")


async def _queue(rows: int) -> None:
    from notices.clock import CHINA
    from notices.models import Delivery, Notice, NoticeKind, NoticeVersion
    from villages.models import ChannelKind, ChannelTarget, Level, Region, Role, Staff

    county = await Region.create(code="419901000000", name="青禾县", level=Level.COUNTY)
    village = await Region.create(code="419901100201", name="东湖村", level=Level.VILLAGE,
                                  parent=county)
    staff = await Staff.create(name="bench", role=Role.COUNTY_ADMIN, scope=county)
    notice = await Notice.create(kind=NoticeKind.PAYOUT_VILLAGE, region=village, title="bench",
                                 draft_content={}, draft_sha256="0" * 64, author=staff)
    now = datetime.now(CHINA)
    version = await NoticeVersion.create(
        notice=notice, number=1, content={}, fingerprint="f" * 64, verify_code="BENCH000",
        period_start=date.today(), period_end=date.today(), published_at=now,
        published_by=staff, pdf_file="x.pdf")
    await ChannelTarget.bulk_create([
        ChannelTarget(region=village, kind=ChannelKind.WECOM_ROBOT, name=f"r{n}",
                      address=f"key-{n:06d}") for n in range(rows)], batch_size=1000)
    targets = await ChannelTarget.all().values_list("id", flat=True)
    await Delivery.bulk_create([Delivery(version=version, target_id=t, next_attempt_at=now)
                                for t in targets], batch_size=1000)


async def _drain(workers: int) -> tuple[float, int, int]:
    from notices.clock import CHINA
    from notices.delivery import outbox
    from notices.models import Delivery

    await Delivery.all().update(state="pending", attempts=0, lease_until=None)
    seen: list[int] = []

    async def worker() -> None:
        while rows := await outbox.claim_due(datetime.now(CHINA), 60, limit=10):
            for row in rows:
                seen.append(row.id)
                await outbox.mark_delivered(row, datetime.now(CHINA))

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return time.perf_counter() - start, len(seen), len(set(seen))


async def _slots_and_token(n: int = 500) -> tuple[float, float]:
    from notices.delivery.models import WeComToken
    from notices.delivery.send_window import robot_bucket, take_slot

    bucket = robot_bucket("bench-key-0000000000")
    start = time.perf_counter()
    for i in range(n):
        await take_slot(bucket, 1_800_000_000.0 + i * 3.0)  # one every 3 s: always free
    slot_ms = (time.perf_counter() - start) / n * 1000
    await WeComToken.create(account="wwbench", token="t" * 64, expires_at=time.time() + 7200)
    start = time.perf_counter()
    for _ in range(n):
        await WeComToken.get(account="wwbench")
    return slot_ms, (time.perf_counter() - start) / n * 1000


async def _run(url: str, rows: int, counts: list[int], label: str) -> None:
    from tortoise import Tortoise

    from bot.db import open_database

    await open_database(url)
    try:
        await _queue(rows)
        for w in counts:
            seconds, claimed, unique = await _drain(w)
            print(f"{label:8} workers={w}  {rows} rows in {seconds:.2f} s  "
                  f"{rows / seconds:,.0f} rows/s  claimed={claimed} unique={unique}")
            assert claimed == unique == rows
        slot_ms, token_ms = await _slots_and_token()
        print(f"{label:8} take_slot {slot_ms:.2f} ms each; shared token read {token_ms:.2f} ms")
    finally:
        await Tortoise.close_connections()


async def _pg(rows: int, counts: list[int]) -> None:
    import asyncpg

    name = f"cunwu_bench_outbox_{os.getpid()}"
    admin = await asyncpg.connect(PG_ADMIN)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        await _run(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", rows, counts, "pg")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--backend", choices=("sqlite", "pg"))
    args = parser.parse_args()
    if args.backend is None:
        # One process per backend: Tortoise caches each model's SQL from its first init.
        for backend in ("sqlite", "pg"):
            subprocess.run([sys.executable, __file__, "--backend", backend, "--rows",
                            str(args.rows), "--workers", *map(str, args.workers)], check=True)
    elif args.backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(_run(f"sqlite://{tmp}/bench.sqlite3", args.rows, [1], "sqlite"))
    else:
        asyncio.run(_pg(args.rows, args.workers))


if __name__ == "__main__":
    main()
