"""Benchmark: a 100,000-row 一卡通 payout .xlsx validated and stored, on SQLite and PostgreSQL.

    .venv/bin/python bench/import_payouts.py [--rows 100000] [--villages 120] [--keep FILE]

One run generates the sheet (xlsxwriter: title row, header on row 3, 120 villages of one
township, valid GB 11643 IDs, Luhn-valid 一卡通 accounts, phones, a 合计 row and a footer),
then measures each reader or import in its own child process, so "peak RSS" is that phase's
own high-water mark (interpreter and imports included), not the largest of all phases:

* cunwu/sqlite  – ``import_payouts`` (read, validate, encrypt, store) on a fresh SQLite file
* cunwu/pg      – the same on a throwaway PostgreSQL database (dropped afterwards)
* validate only – ``read_payout_sheet`` alone (calamine + validation, nothing stored)
* openpyxl      – openpyxl read-only mode iterating every row (values only), no validation
* calamine      – python-calamine loading every row, no validation

Targets (issue 3): validated and stored in < 8 s on SQLite and on PostgreSQL, < 400 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("CUNWU_BENCH_PG", "postgres://postgres@127.0.0.1:5432/postgres")
COUNTY = ("419901000000", "青禾县")
TOWNSHIP = ("419901100000", "城关镇")
PROGRAM = "耕地地力保护补贴"
YEAR = 2026
RATE_FEN = 9250  # 92.50 元/亩
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
_GIVEN = "建国秀英志强桂兰明华玉梅文军海燕春生丽红金凤永福德胜淑珍小平立新庆云玉兰长江保国瑞芳振华"
_VILLAGE_HEAD = "东西南北前后上下大小新老高王李张刘陈杨黄"
_VILLAGE_TAIL = "湖岗庄营集楼店河桥寨"
_GROUPS = ("一组", "二组", "三组", "四组", "五组", "六组", "七组", "八组")


# --- the sheet ------------------------------------------------------------------------------


def village_list(count: int) -> list[tuple[str, str]]:
    names = [h + t + "村" for h in _VILLAGE_HEAD for t in _VILLAGE_TAIL]
    if count > len(names):
        raise SystemExit(f"at most {len(names)} villages")
    prefix = TOWNSHIP[0][:9]
    return [(f"{prefix}{201 + i:03d}", names[i]) for i in range(count)]


def _id_number(rng: random.Random, seen: set[str]) -> str:
    while True:
        year = rng.randint(1940, 2004)
        month = rng.randint(1, 12)
        day = rng.randint(1, 28)
        first17 = f"419901{year:04d}{month:02d}{day:02d}{rng.randint(0, 999):03d}"
        if first17 in seen:
            continue
        seen.add(first17)
        total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
        return first17 + "10X98765432"[total % 11]


def _bank_account(rng: random.Random) -> str:
    body = "622848" + "".join(rng.choice("0123456789") for _ in range(12))
    total = 0
    for i, ch in enumerate(reversed(body)):  # the check digit will sit to the right
        d = int(ch)
        if i % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def write_sheet(path: Path, rows: int, villages: list[tuple[str, str]], *, seed: int = 11,
                inline_strings: bool = False) -> int:
    """Write the sheet; returns the total in fen (the 合计 row holds the same)."""
    import xlsxwriter

    rng = random.Random(seed)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": inline_strings})
    sheet = book.add_worksheet("发放清册")
    title = book.add_format({"bold": True, "font_size": 16, "align": "center"})
    money = book.add_format({"num_format": "0.00"})
    text = book.add_format({"num_format": "@"})
    headers = ["序号", "村", "村民小组", "户主姓名", "身份证号码", "计税面积（亩）",
               "补贴标准（元/亩）", "补贴金额（元）", "一卡通账号", "联系电话", "备注"]  # fmt: skip
    sheet.merge_range(0, 0, 0, len(headers) - 1, f"{TOWNSHIP[1]}{YEAR}年{PROGRAM}发放清册", title)
    sheet.write_string(1, 0, f"填报单位：{TOWNSHIP[1]}人民政府　　金额单位：元　面积单位：亩")
    sheet.write_row(2, 0, headers)
    seen: set[str] = set()
    per_village = rows // len(villages)
    total_fen = 0
    for i in range(rows):
        r = 3 + i
        village = villages[min(i // per_village, len(villages) - 1)][1]
        area = rng.randint(30, 3000)  # hundredths of a mu: 0.30 – 30.00
        fen = (area * RATE_FEN + 50) // 100  # 四舍五入 to the fen
        total_fen += fen
        name = rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.choice((1, 2))))
        sheet.write_number(r, 0, i + 1)
        sheet.write_string(r, 1, village)
        sheet.write_string(r, 2, _GROUPS[(i // 40) % len(_GROUPS)])
        sheet.write_string(r, 3, name)
        sheet.write_string(r, 4, _id_number(rng, seen), text)
        sheet.write_number(r, 5, area / 100)
        sheet.write_number(r, 6, RATE_FEN / 100, money)
        sheet.write_number(r, 7, fen / 100, money)
        if rng.random() < 0.97:
            sheet.write_string(r, 8, _bank_account(rng), text)
        if rng.random() < 0.8:
            sheet.write_string(r, 9, "1" + rng.choice("35789") + f"{rng.randint(0, 10**9 - 1):09d}")
        if rng.random() < 0.02:
            sheet.write_string(r, 10, "新增户")
    end = 3 + rows
    sheet.write_string(end, 0, "合计")
    sheet.write_number(end, 7, total_fen / 100, money)
    sheet.write_string(end + 2, 0, "制表人：李文　　审核人：王明　　日期：2026年4月20日")
    book.close()
    return total_fen


# --- phases, each run in a child process ----------------------------------------------------


def _peak_mb() -> float:
    """This process's peak RSS. On Linux ru_maxrss carries the parent's peak over fork and
    exec (the parent holds the whole workbook while writing it), so VmHWM is read instead."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


async def _import(path: Path, database_url: str, home: Path, villages: int) -> dict[str, object]:
    from bot.db import close_database, open_database
    from bot.runtime import build_runtime
    from bot.settings import load_config
    from notices.ledgers.payouts.services import import_payouts
    from villages import services as village_services
    from villages.models import Role

    env = {"CUNWU_HOME": str(home)}
    if database_url:
        env["CUNWU_DATABASE_URL"] = database_url
    config = load_config(env)
    runtime = build_runtime(config)
    await open_database(config.database_url)
    try:
        await village_services.import_regions([COUNTY, TOWNSHIP, *village_list(villages)])
        await village_services.add_staff("bench-clerk", Role.TOWNSHIP_CLERK, TOWNSHIP[0])
        clerk = await village_services.get_staff("bench-clerk")
        data = path.read_bytes()
        start = time.perf_counter()
        summary = await import_payouts(
            data, path.name, township_code=TOWNSHIP[0], program=PROGRAM, year=YEAR,
            actor=clerk, cipher=runtime.cipher,
        )  # fmt: skip
        seconds = time.perf_counter() - start
        from notices.ledgers.models import PayoutBatch, PayoutRow

        # Exact to the fen as stored: the rows' own sum, and the batch's total beside it.
        amounts = await PayoutRow.filter(batch_id=summary.batch_id).values_list(
            "amount_fen", flat=True
        )
        batch = await PayoutBatch.get(id=summary.batch_id)
        if batch.total_fen != sum(amounts):  # type: ignore[arg-type]
            raise SystemExit(f"batch total {batch.total_fen} ≠ rows {sum(amounts)}")  # type: ignore[arg-type]
        return {"seconds": seconds, "rows": len(amounts), "total_fen": batch.total_fen,
                "villages": len(summary.villages)}  # fmt: skip
    finally:
        await close_database()


def _validate(path: Path) -> dict[str, object]:
    from notices.ledgers.payouts.sheet import read_payout_sheet

    data = path.read_bytes()
    start = time.perf_counter()
    parsed = read_payout_sheet(data, path.name)
    seconds = time.perf_counter() - start
    if parsed.problems:
        raise SystemExit(f"unexpected problems: {parsed.problems[:3]}")
    return {"seconds": seconds, "rows": len(parsed.rows), "total_fen": parsed.declared_total_fen}


def _openpyxl(path: Path) -> dict[str, object]:
    import openpyxl

    start = time.perf_counter()
    book = openpyxl.load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
    count = 0
    for row in book.worksheets[0].iter_rows(min_row=4, values_only=True):
        if isinstance(row[4], str) and row[4]:
            count += 1
    book.close()
    return {"seconds": time.perf_counter() - start, "rows": count}


def _calamine(path: Path) -> dict[str, object]:
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    book = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
    rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    count = sum(1 for row in rows[3:] if isinstance(row[4], str) and row[4])
    return {"seconds": time.perf_counter() - start, "rows": count}


def run_phase(phase: str, path: Path, database_url: str, villages: int) -> dict[str, object]:
    if phase in ("sqlite", "pg"):
        with tempfile.TemporaryDirectory(prefix="cunwu-bench-") as home:
            result = asyncio.run(_import(path, database_url, Path(home), villages))
    elif phase == "validate":
        result = _validate(path)
    elif phase == "openpyxl":
        result = _openpyxl(path)
    elif phase == "calamine":
        result = _calamine(path)
    else:
        raise SystemExit(f"unknown phase {phase}")
    result["peak_mb"] = _peak_mb()
    return result


def _child(phase: str, path: Path, villages: int, database_url: str = "") -> dict[str, object]:
    cmd = [sys.executable, __file__, "--phase", phase, "--file", str(path),
           "--villages", str(villages), "--database-url", database_url]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"phase {phase} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- PostgreSQL throwaway database ----------------------------------------------------------


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL, timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _pg_create() -> tuple[str, str] | str:
    """(database name, URL) of a fresh database, or a reason it can't be made."""
    name = f"cunwu_bench_{os.getpid()}"
    try:
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # unreachable server, no permission: the run goes on without it
        return f"{type(exc).__name__}: {exc}"
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return name, f"{base}/{name}"


def _pg_drop(name: str) -> None:
    asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


# --- report ---------------------------------------------------------------------------------


def _line(label: str, result: dict[str, object], rows: int, target: str) -> str:
    seconds = float(result["seconds"])  # type: ignore[arg-type]
    return (f"| {label} | {result['rows']:,} | {seconds:.2f} | {rows / seconds:,.0f} "
            f"| {float(result['peak_mb']):.0f} | {target} |")  # type: ignore[arg-type]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--villages", type=int, default=120)
    parser.add_argument("--keep", type=Path, help="also keep the generated sheet here")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.file, args.database_url, args.villages)))
        return

    with tempfile.TemporaryDirectory(prefix="cunwu-bench-sheet-") as tmp:
        path = args.keep or Path(tmp) / "payouts.xlsx"
        start = time.perf_counter()
        total_fen = write_sheet(path, args.rows, village_list(args.villages))
        print(f"sheet: {path.stat().st_size / 1e6:.1f} MB, {args.rows:,} rows, "
              f"{args.villages} villages, total {total_fen / 100:,.2f} 元, "
              f"written in {time.perf_counter() - start:.1f} s")  # fmt: skip
        print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
        lines = ["| phase | rows | seconds | rows/s | peak RSS MB | target |",
                 "|---|---:|---:|---:|---:|---|"]  # fmt: skip
        print("\n".join(lines), flush=True)

        def report(label: str, result: dict[str, object], target: str = "") -> None:
            if "total_fen" in result and result["total_fen"] != total_fen:
                raise SystemExit(f"{label}: total {result['total_fen']} fen, sheet {total_fen}")
            if result["rows"] != args.rows:
                raise SystemExit(f"{label}: {result['rows']} rows, sheet {args.rows}")
            lines.append(_line(label, result, args.rows, target))
            print(lines[-1], flush=True)

        report("Cunwu validate + store, SQLite", _child("sqlite", path, args.villages),
               "< 8 s, < 400 MB")
        made = _pg_create()
        if isinstance(made, str):
            lines.append(f"| Cunwu validate + store, PostgreSQL | skipped: {made} | | | | |")
            print(lines[-1], flush=True)
        else:
            try:
                report("Cunwu validate + store, PostgreSQL",
                       _child("pg", path, args.villages, made[1]), "< 8 s, < 400 MB")
            finally:
                _pg_drop(made[0])
        report("Cunwu validate only (read_payout_sheet)", _child("validate", path, args.villages))
        if importlib.util.find_spec("openpyxl") is None:  # not a dependency of Cunwu
            lines.append("| openpyxl read-only, iterate rows | skipped: `pip install -e .[bench]` "
                         "| | | | |")  # fmt: skip
            print(lines[-1], flush=True)
        else:
            report("openpyxl read-only, iterate rows", _child("openpyxl", path, args.villages))
        report("python-calamine, load rows", _child("calamine", path, args.villages))


if __name__ == "__main__":
    main()
