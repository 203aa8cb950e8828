"""Importing payout sheets into batches: validate everything, then store all or nothing.

Speed (bench/import_payouts.py: 100k rows validated and stored in a few seconds) comes from
storing rows without ORM objects: building 100k tortoise models cost more than reading the
sheet. The rows go in as plain tuples in one transaction: COPY on PostgreSQL (asyncpg),
``executemany`` elsewhere; IDs, accounts and phones are encrypted and hashed in batches.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import hashlib
import re
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from tortoise import timezone
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.ledgers.models import PayoutBatch, PayoutRow
from notices.ledgers.payouts import column_maps
from notices.ledgers.payouts.sheet import Problem, SheetRow, read_payout_sheet
from notices.privacy.cipher import SensitiveCipher
from notices.privacy.masking import mask_id_board, mask_number
from villages.errors import InvalidInput, NotFound
from villages.models import Level, Region, Role, Staff
from villages.services import check_in_scope, check_role, get_region

_CHUNK = 5000  # rows per INSERT/COPY round and per look-up query (SQLite allows 32766 params)
# Columns written for every row; any other column of payout_row gets its model default.
_ROW_COLUMNS = ("batch_id", "village_id", "row_no", "group_name", "name", "id_cipher",
                "id_hash", "id_board", "quantity", "rate_fen", "amount_fen", "bank_cipher",
                "phone_cipher", "note")  # fmt: skip


@dataclass
class VillageTotal:
    code: str
    name: str
    rows: int = 0
    households: int = 0
    total_fen: int = 0


@dataclass
class ImportSummary:
    batch_id: int | None
    township: str
    program: str
    year: int
    rows: int
    households: int
    total_fen: int
    villages: list[VillageTotal]
    warnings: list[dict[str, object]] = field(default_factory=list)
    dry_run: bool = False
    period: str = ""
    revision: int = 1  # > 1 when the import replaced (corrected) an existing batch
    replaced: bool = False
    stale_notices: list[int] = field(default_factory=list)  # published, now need a correction
    stale_drafts: list[int] = field(default_factory=list)  # unpublished, now to be redrafted
    mappings_saved: int = 0

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class _Earlier:
    """A batch of the same program and year elsewhere in the county (or this township)."""

    id: int
    township: str


def _problem_dict(problem: Problem) -> dict[str, object]:
    return asdict(problem)


async def import_payouts(
    data: bytes,
    filename: str,
    *,
    township_code: str,
    program: str,
    year: int,
    actor: Staff,
    cipher: SensitiveCipher,
    dry_run: bool = False,
    accept_warnings: bool = False,
    period: str = "",
    replace_batch: int | None = None,
    column_map: Mapping[str, str] | None = None,
    paid_on: str = "",
) -> ImportSummary:
    """Validate a payout sheet and store it as one batch; raise InvalidInput listing every
    problem (sheet, row, column, value, message) and store nothing if anything is wrong.

    A person (by ID hash) already paid in an earlier batch of the same program and year in
    the county is a problem too, naming the earlier batch. ``period`` ("2026-05", "2026-Q2"
    or "" for the whole year) is part of the batch's identity: monthly programs import one
    batch per month. ``replace_batch`` re-imports a corrected sheet into that batch (a new
    revision; its published notices become stale and need a correction). ``column_map``
    (header as written → field) is the clerk's confirmation of columns the synonyms don't
    know; it is remembered for the county's later sheets of the same layout. ``paid_on``
    (发放时间, "2026-10-09" or "2026-10") is printed on the board; a replacement without
    one keeps the batch's."""
    check_role(actor, Role.TOWNSHIP_CLERK, Role.COUNTY_ADMIN)
    township = await get_region(township_code)
    if township.level != Level.TOWNSHIP:
        raise InvalidInput(f"{township.name} 不是乡镇/街道，补贴批次按乡镇导入")
    check_in_scope(actor, township)
    program = program.strip()
    if not program:
        raise InvalidInput("请填写补贴项目名称（--program）")
    if not 2000 <= year <= 2100:
        raise InvalidInput(f"年度“{year}”不对，应为四位年份")
    period = check_period(period, year)
    paid_on = check_paid_on(paid_on, year)
    replacing = None if replace_batch is None else await _batch_to_replace(
        replace_batch, township, program, year, period)
    county_id = column_maps.county_of(township)
    saved = await column_maps.saved_maps(county_id)

    # Seconds of work for a big sheet: off the event loop, so the web server keeps answering
    # (calamine lets go of the GIL; the Python validation shares it in 5 ms slices).
    parsed = await asyncio.to_thread(read_payout_sheet, data, filename,
                                     column_map=column_map, saved_maps=saved)
    problems = [_problem_dict(p) for p in parsed.problems]
    villages = await Region.filter(parent=township, level=Level.VILLAGE)
    by_key = {v.code: v for v in villages} | {v.name: v for v in villages}
    resolved: list[tuple[SheetRow, Region]] = []
    for row in parsed.rows:
        village = by_key.get(row.village.strip())
        if village is None:
            problems.append(_unknown_village(row, township, villages))
            continue
        resolved.append((row, village))
    id_column = next((h for h, f in parsed.column_map.items() if f == "id_number"), "身份证号码")
    hashes: list[str] | None = None
    earlier = await _earlier_batches(township, program, year, period, replacing)
    if earlier and resolved:
        hashes = cipher.lookup_hashes([row.id_number for row, _ in resolved])
        problems += await _paid_before(resolved, hashes, earlier, id_column, period)
    warnings = [_problem_dict(w) for w in parsed.warnings]
    problems = _in_sheet_order(problems)
    if problems:
        raise InvalidInput(
            f"表格有 {len(problems)} 处问题，未导入任何数据；请改正后重新导入",
            details={"problems": problems, "warnings": warnings,
                     "layout": asdict(parsed.unmatched) if parsed.unmatched else None},
        )
    if warnings and not (accept_warnings or dry_run):
        raise InvalidInput(
            f"表格有 {len(warnings)} 条提醒需要确认；核对无误后加 --accept-warnings 重新导入",
            details={"problems": [], "warnings": warnings},
        )

    summary = _summarise(resolved, township, program, year, warnings, dry_run)
    summary.period = period
    if dry_run:
        return summary
    if hashes is None:
        hashes = cipher.lookup_hashes([row.id_number for row, _ in resolved])
    async with in_transaction() as conn:
        # Two imports of the same program and year must not both pass the duplicate check:
        # serialise them (PostgreSQL; SQLite runs one write transaction at a time anyway)
        # and look again for batches stored since the check above.
        await _lock_program_year(conn, township, program, f"{year}/{period}")
        known = {b.id for b in earlier}
        newer = [b for b in await _earlier_batches(township, program, year, period, replacing)
                 if b.id not in known]
        if newer:
            clashes = await _paid_before(resolved, hashes, newer, id_column, period)
            if clashes:
                raise InvalidInput(
                    f"表格有 {len(clashes)} 处问题，未导入任何数据；请改正后重新导入",
                    details={"problems": clashes, "warnings": warnings},
                )
        values = {
            "quantity_unit": next((r.unit for r, _ in resolved if r.unit), ""),
            "row_count": summary.rows, "total_fen": summary.total_fen,
            "source_filename": filename[:255], "source_sha256": hashlib.sha256(data).hexdigest(),
        }  # fmt: skip
        if paid_on or replacing is None:
            values["paid_on"] = paid_on
        if replacing is None:
            batch = await PayoutBatch.create(township=township, program=program, year=year,
                                             period=period, created_by=actor, **values)
        else:
            batch = await _start_revision(replacing, values, actor, filename)
        # In ID-hash order: the inserts then sweep the hash index once instead of landing on
        # random pages, which takes 40 % off SQLite's insert time. row_no keeps sheet order.
        order = sorted(range(len(hashes)), key=hashes.__getitem__)
        records = _row_records(
            batch.id, [resolved[i] for i in order], [hashes[i] for i in order], cipher
        )
        await _insert_rows(conn, records)
        await record_event(actor.name, "import_payouts", f"batch:{batch.id}", {
            "township": township.code, "program": program, "year": year, "period": period,
            "rows": summary.rows, "total_fen": summary.total_fen, "file": filename,
            "revision": batch.revision, "paid_on": batch.paid_on,
        })  # fmt: skip
        if column_map:
            summary.mappings_saved = await column_maps.remember(
                county_id, parsed.layouts, column_map, actor)
    summary.batch_id = batch.id
    summary.revision = batch.revision
    summary.replaced = replacing is not None  # the caller lists the notices this made stale
    return summary


# --- periods and replacing a batch -----------------------------------------------------------

_PERIOD = re.compile(r"^(\d{4})-(?:(0[1-9]|1[0-2])|Q([1-4]))$")


def check_period(period: str, year: int) -> str:
    """"" (whole year), "YYYY-MM" or "YYYY-Qn" inside ``year``; returned cleaned."""
    period = (period or "").strip().upper()
    if not period:
        return ""
    match = _PERIOD.match(period)
    if match is None:
        raise InvalidInput(f"发放期间“{period}”不对，应写成 {year}-05（月）或 {year}-Q2（季度）")
    if int(match.group(1)) != year:
        raise InvalidInput(f"发放期间 {period} 不在 {year} 年度内")
    return period


_PAID_ON = re.compile(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$")


def check_paid_on(text: str, year: int) -> str:
    """发放时间 as "YYYY-MM-DD" or "YYYY-MM", in the batch's year or the next (a year's
    subsidy is often paid the following spring); "" if not given; returned zero-padded."""
    text = (text or "").strip()
    if not text:
        return ""
    match = _PAID_ON.match(text)
    hint = f"应写成 {year}-10-09（日）或 {year}-10（月）"
    if match is None:
        raise InvalidInput(f"发放时间“{text[:20]}”不对，{hint}")
    paid_year, month, day = int(match.group(1)), int(match.group(2)), match.group(3)
    try:
        date(paid_year, month, int(day or 1))
    except ValueError:
        raise InvalidInput(f"发放时间“{text}”不是有效的日期，{hint}") from None
    if paid_year not in (year, year + 1):
        raise InvalidInput(f"发放时间 {text} 不在 {year} 年度或次年内")
    return f"{paid_year}-{month:02d}" + (f"-{int(day):02d}" if day else "")


async def _batch_to_replace(batch_id: int, township: Region, program: str, year: int,
                            period: str) -> PayoutBatch:
    batch = await PayoutBatch.get_or_none(id=batch_id)
    # Another township's batch reads exactly like a missing one: probing ids must not tell
    # a clerk what other townships imported.
    if batch is None or batch.township_id != township.id:  # type: ignore[attr-defined]
        raise NotFound(f"本乡镇没有第{batch_id}号批次，无法替换")
    mine = (batch.township_id, batch.program, batch.year, batch.period)  # type: ignore[attr-defined]
    if mine != (township.id, program, year, period):
        when = f"{batch.year}年" + (f" {batch.period}" if batch.period else "")
        raise InvalidInput(f"第{batch_id}号批次是{when}的“{batch.program}”，与本次导入的"
                           "乡镇、项目、年度或期间不同，不能用来替换")
    return batch


async def _start_revision(batch: PayoutBatch, values: dict[str, Any], actor: Staff,
                          filename: str) -> PayoutBatch:
    """The batch's old rows go; its id, notices and history stay, its revision moves on.
    Read again under the lock: another replacement may have committed meanwhile."""
    batch = await PayoutBatch.get(id=batch.id)
    before = {"rows": batch.row_count, "total_fen": batch.total_fen,
              "revision": batch.revision, "file": batch.source_filename}
    await PayoutRow.filter(batch_id=batch.id).delete()
    for name, value in values.items():
        setattr(batch, name, value)
    batch.revision += 1
    await batch.save(update_fields=[*values, "revision"])
    await record_event(actor.name, "replace_batch", f"batch:{batch.id}",
                       {"before": before, "file": filename})
    return batch


# --- duplicates against earlier batches ------------------------------------------------------


async def _earlier_batches(township: Region, program: str, year: int, period: str,
                           replacing: PayoutBatch | None) -> list[_Earlier]:
    """Stored batches of this program, year and period in the township's county (itself
    included), except the batch being replaced. A whole-year batch ("") and a monthly one
    of the same year are different payouts and don't clash."""
    if township.parent_id is None:  # type: ignore[attr-defined]
        query = PayoutBatch.filter(township_id=township.id)
    else:
        query = PayoutBatch.filter(township__parent_id=township.parent_id)  # type: ignore[attr-defined]
    query = query.filter(program=program, year=year, period=period)
    if replacing is not None:
        query = query.exclude(id=replacing.id)
    found = await query.values_list("id", "township__name")
    return [_Earlier(batch_id, name) for batch_id, name in found]


async def _paid_before(
    resolved: Sequence[tuple[SheetRow, Region]],
    hashes: Sequence[str],
    earlier: Sequence[_Earlier],
    id_column: str,
    period: str = "",
) -> list[dict[str, object]]:
    """A problem for each row whose person is already in one of ``earlier``."""
    same = f"同一项目同一期间{period}" if period else "同一项目同一年度"
    batches = {b.id: b for b in earlier}
    first: dict[str, tuple[int, int]] = {}  # id hash → (earlier batch, its row), oldest first
    for id_hash, batch_id, row_no in await _rows_of_people(hashes, sorted(batches)):
        first.setdefault(id_hash, (batch_id, row_no))
    problems: list[dict[str, object]] = []
    for (row, _), id_hash in zip(resolved, hashes, strict=True):
        hit = first.get(id_hash)
        if hit is None:
            continue
        batch = batches[hit[0]]
        problems.append({
            "sheet": row.sheet, "row": row.row, "column": id_column,
            "value": mask_number(row.id_number),
            "message": f"此人已在第{batch.id}号批次（{batch.township}，{same}）"
                       f"第{hit[1]}行领取过，不能重复发放",
        })  # fmt: skip
    return problems


async def _rows_of_people(hashes: Sequence[str], batch_ids: list[int]) -> list[Any]:
    """(id_hash, batch_id, row_no) of the given people in the given batches, oldest first."""
    conn = PayoutRow._meta.db  # the transaction's connection when called inside one
    table = PayoutRow._meta.db_table
    # "+batch_id": find rows through the ID-hash index only. Without it SQLite (no ANALYZE
    # statistics) and PostgreSQL (stale right after a big import) walk the whole earlier
    # batch through the batch index: seconds instead of a fraction of one.
    if conn.capabilities.dialect == "postgres":  # one round trip, the hashes as one array
        sql = (f"SELECT id_hash, batch_id, row_no FROM {table} WHERE id_hash = ANY($1::text[])"
               " AND +batch_id = ANY($2::int[]) ORDER BY batch_id, row_no")  # fmt: skip
        return list((await conn.execute_query(sql, [sorted(set(hashes)), batch_ids]))[1])
    found: list[Any] = []
    for start in range(0, len(hashes), _CHUNK):
        chunk = sorted(set(hashes[start : start + _CHUNK]))
        marks = _placeholders(conn, len(chunk) + len(batch_ids))
        sql = (f"SELECT id_hash, batch_id, row_no FROM {table}"
               f" WHERE id_hash IN ({', '.join(marks[: len(chunk)])})"
               f" AND +batch_id IN ({', '.join(marks[len(chunk) :])})")  # fmt: skip
        found += (await conn.execute_query(sql, [*chunk, *batch_ids]))[1]
    found.sort(key=lambda r: (r[1], r[2]))
    return found


def _placeholders(conn: BaseDBAsyncClient, count: int) -> list[str]:
    if conn.capabilities.dialect == "postgres":
        return [f"${i}" for i in range(1, count + 1)]
    return ["?"] * count


async def _lock_program_year(
    conn: BaseDBAsyncClient, township: Region, program: str, year: str
) -> None:
    if conn.capabilities.dialect != "postgres":
        return
    county = township.parent_id or township.id  # type: ignore[attr-defined]
    await conn.execute_query(
        "SELECT pg_advisory_xact_lock(hashtext($1))", [f"payout:{county}:{program}:{year}"]
    )


# --- storing rows ----------------------------------------------------------------------------


def _row_records(
    batch_id: int,
    resolved: Sequence[tuple[SheetRow, Region]],
    hashes: Sequence[str],
    cipher: SensitiveCipher,
) -> Iterator[list[tuple[Any, ...]]]:
    """The rows as tuples in ``_ROW_COLUMNS`` order, a chunk at a time (bounded memory)."""
    for start in range(0, len(resolved), _CHUNK):
        part = resolved[start : start + _CHUNK]
        rows = [row for row, _ in part]
        id_ciphers = cipher.encrypt_many([r.id_number for r in rows])
        banks = iter(cipher.encrypt_many([r.bank_account for r in rows if r.bank_account]))
        phones = iter(cipher.encrypt_many([r.phone for r in rows if r.phone]))
        yield [
            (batch_id, village.id, row.row, row.group, row.name, id_cipher, id_hash,
             mask_id_board(row.id_number),
             "" if row.quantity is None else str(row.quantity),
             row.rate_fen, row.amount_fen,
             next(banks) if row.bank_account else None,
             next(phones) if row.phone else None,
             row.note[:500])
            for (row, village), id_cipher, id_hash
            in zip(part, id_ciphers, hashes[start : start + _CHUNK], strict=True)
        ]  # fmt: skip


def _row_defaults() -> tuple[list[str], tuple[Any, ...]]:
    """Columns of payout_row this import doesn't set, with their model defaults."""
    meta = PayoutRow._meta
    columns: list[str] = []
    values: list[Any] = []
    for name in meta.db_fields:
        column = meta.fields_db_projection[name]
        if name == meta.pk_attr or column in _ROW_COLUMNS:
            continue
        model_field = meta.fields_map[name]
        default = model_field.default
        if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
            value = timezone.now()
        elif default is not None:
            value = default() if callable(default) else default
        elif model_field.null:
            value = None
        else:
            raise RuntimeError(f"payout_row.{column} has no default; teach the import about it")
        columns.append(column)
        values.append(model_field.to_db_value(value, PayoutRow))
    return columns, tuple(values)


async def _insert_rows(conn: BaseDBAsyncClient, chunks: Iterable[list[tuple[Any, ...]]]) -> None:
    """Insert into payout_row inside the caller's transaction."""
    extra_columns, extra = _row_defaults()
    columns = [*_ROW_COLUMNS, *extra_columns]
    table = PayoutRow._meta.db_table
    if extra:
        chunks = ([r + extra for r in records] for records in chunks)
    if conn.capabilities.dialect == "postgres":
        async with conn.acquire_connection() as raw:
            if hasattr(raw, "copy_records_to_table"):  # asyncpg: COPY, no per-row statements

                async def copy(records: list[tuple[Any, ...]]) -> None:
                    await raw.copy_records_to_table(table, records=records, columns=columns)

                await _pipelined(chunks, copy)
                return
    marks = ", ".join(_placeholders(conn, len(columns)))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"
    # SQLite works under our GIL (aiosqlite's thread): nothing to gain from overlapping.
    for records in chunks:
        await conn.execute_many(sql, records)


async def _pipelined(
    chunks: Iterable[list[tuple[Any, ...]]],
    write: Callable[[list[tuple[Any, ...]]], Awaitable[None]],
) -> None:
    """Write chunk k while chunk k+1 is built (encrypted): PostgreSQL checks foreign keys and
    updates indexes in its own process meanwhile, which is most of the time a COPY takes."""
    pending: asyncio.Future[None] | None = None
    try:
        for records in chunks:
            if pending is not None:
                await pending
            pending = asyncio.ensure_future(write(records))
            await asyncio.sleep(0)  # let it hand the chunk over before the next is built
        if pending is not None:
            await pending
    except BaseException:
        if pending is not None and not pending.done():
            # Let the write in flight finish before the transaction rolls back on this
            # connection; its own error, if any, is not the one to report.
            with contextlib.suppress(Exception):
                await pending
        raise


# --- summary and messages --------------------------------------------------------------------


def _in_sheet_order(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sheets in the order the file has them, rows top to bottom within each: the order a
    clerk works through the sheet in (row checks and village look-ups run separately)."""
    sheets: dict[object, int] = {}
    for problem in problems:
        sheets.setdefault(problem["sheet"], len(sheets))
    return sorted(problems, key=lambda p: (sheets[p["sheet"]], p["row"]))


def _summarise(resolved: list[tuple[SheetRow, Region]], township: Region, program: str,
               year: int, warnings: list[dict[str, object]], dry_run: bool) -> ImportSummary:
    per_village: dict[int, VillageTotal] = {}
    people: dict[int, set[str]] = {}
    total_fen = 0
    for row, village in resolved:
        total = per_village.get(village.id)
        if total is None:
            total = per_village[village.id] = VillageTotal(village.code, village.name)
            people[village.id] = set()
        total.rows += 1
        total.total_fen += row.amount_fen
        total_fen += row.amount_fen
        people[village.id].add(row.id_number)
    for key, total in per_village.items():
        total.households = len(people[key])
    return ImportSummary(
        batch_id=None, township=township.code, program=program, year=year,
        rows=len(resolved), households=sum(len(p) for p in people.values()),
        total_fen=total_fen,
        villages=sorted(per_village.values(), key=lambda v: v.code),
        warnings=warnings, dry_run=dry_run,
    )  # fmt: skip


def _unknown_village(row: SheetRow, township: Region, villages: list[Region]) -> dict[str, object]:
    names = [v.name for v in villages]
    close = difflib.get_close_matches(row.village.strip(), names, n=3, cutoff=0.4)
    hint = f"，是不是：{'、'.join(close)}？" if close else ""
    if row.village.isdigit() and len(row.village) == 12:
        hint = "：该区划代码不属于本乡镇"
    return {
        "sheet": row.sheet, "row": row.row, "column": "村", "value": row.village,
        "message": f"{township.name}没有名为“{row.village}”的村{hint}",
    }
