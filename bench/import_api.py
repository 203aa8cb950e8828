"""Benchmark: the 100,000-row payout .xlsx through ``POST /api/import/payouts`` on SQLite,
the same sheet as bench/import_payouts.py, plus how long a console sign-in takes.

    .venv/bin/python bench/import_api.py [--rows 100000] [--villages 120]

The server runs in this process on a loopback port (the real app, no worker); the upload
goes through aiohttp's client as multipart, so the number includes streaming the body in
under the size cap, parsing the form and answering 201 with the summary.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.import_payouts import (  # noqa: E402
    COUNTY,
    PROGRAM,
    TOWNSHIP,
    YEAR,
    _peak_mb,
    village_list,
    write_sheet,
)


async def run(rows: int, villages: int, home: Path) -> None:
    import aiohttp
    from aiohttp import web

    from bot.app import create_app
    from bot.db import open_database
    from bot.settings import load_config
    from notices.web.signin import issue_api_token, log_in, set_password
    from villages import services as village_services
    from villages.models import Role

    sheet = home / "payouts.xlsx"
    total_fen = write_sheet(sheet, rows, village_list(villages))
    config = load_config({"CUNWU_HOME": str(home), "CUNWU_UPLOAD_MAX_MB": "50"})
    await open_database(config.database_url)
    await village_services.import_regions([COUNTY, TOWNSHIP, *village_list(villages)])
    await village_services.add_staff("bench-clerk", Role.TOWNSHIP_CLERK, TOWNSHIP[0])
    await set_password("bench-clerk", "bench-pass-2026", actor="bench")
    start = time.perf_counter()
    for _ in range(5):
        await log_in("bench-clerk", "bench-pass-2026", remote="bench", hours=1)
    login_ms = (time.perf_counter() - start) / 5 * 1000
    token = await issue_api_token("bench-clerk", actor="bench")

    runner = web.AppRunner(create_app(config, with_worker=False, open_db=False))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        form = aiohttp.FormData()
        for key, value in {"township": TOWNSHIP[0], "program": PROGRAM,
                           "year": str(YEAR)}.items():
            form.add_field(key, value)
        form.add_field("file", sheet.read_bytes(), filename=sheet.name)
        async with aiohttp.ClientSession() as http:
            start = time.perf_counter()
            async with http.post(f"http://127.0.0.1:{port}/api/import/payouts", data=form,
                                 headers={"Authorization": f"Bearer {token}"}) as response:
                body = await response.json()
            seconds = time.perf_counter() - start
    finally:
        await runner.cleanup()
    if response.status != 201 or body["total_fen"] != total_fen or body["rows"] != rows:
        raise SystemExit(f"unexpected answer {response.status}: {str(body)[:500]}")
    print(f"sheet: {sheet.stat().st_size / 1e6:.1f} MB, {rows:,} rows")
    print("| step | seconds | rows/s | peak RSS MB |\n|---|---:|---:|---:|")
    print(f"| POST /api/import/payouts → 201, SQLite | {seconds:.2f} | {rows / seconds:,.0f} "
          f"| {_peak_mb():.0f} |")
    print(f"console sign-in (argon2id verify + session row + audit): {login_ms:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--villages", type=int, default=120)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cunwu-bench-api-") as home:
        asyncio.run(run(args.rows, args.villages, Path(home)))


if __name__ == "__main__":
    main()
