"""Reading a real 一卡通 payout sheet into validated rows, with every problem named.

``read_payout_sheet`` never stops at the first bad cell: a clerk fixes a sheet in one pass
only if the report lists everything, each with sheet, row (as Excel numbers it) and column.
Rows with a problem are left out of ``rows``; any problem means the sheet must not be used.
Warnings (quantity × rate ≠ amount, skipped sheets, …) need a human look but do not block.

The work is split: ``sheet_read`` (format sniffing, size caps, grids), ``sheet_guard``
(zip-bomb and grid-size checks before calamine runs), ``sheet_header`` (header row and
column synonyms) and ``sheet_rows`` (per-row validation).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import date

from notices.ledgers.payouts.header import (
    FIELD_LABELS,
    FIELDS,
    Layout,
    find_header,
    layout_of,
    normalise_header,
)
from notices.ledgers.payouts.rows import Collected, Problem, SheetRow, read_rows
from notices.ledgers.spreadsheet.grids import read_grids
from villages.errors import InvalidInput

__all__ = ["ParsedSheet", "Problem", "SheetRow", "read_payout_sheet"]


@dataclass(frozen=True)
class ParsedSheet:
    rows: tuple[SheetRow, ...]
    problems: tuple[Problem, ...]
    warnings: tuple[Problem, ...]
    declared_total_fen: int | None  # sum of the sheets' 合计 rows; None if there is none
    column_map: dict[str, str]  # header text as written → field; pass back to confirm
    layouts: tuple[Layout, ...] = ()  # header rows of the sheets used, for remembering maps
    unmatched: Layout | None = None  # a header row lacking required columns, to map by hand


def _overrides(column_map: Mapping[str, str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for header, field in (column_map or {}).items():
        if field and field not in FIELDS:
            raise InvalidInput(f"未知的字段“{field}”", details={"column": header})
        out[normalise_header(header)] = field
    return out


def read_payout_sheet(
    data: bytes,
    filename: str,
    *,
    max_bytes: int = 20 * 1024 * 1024,
    max_rows: int = 200_000,
    column_map: Mapping[str, str] | None = None,
    default_village: str | None = None,
    today: date | None = None,
    saved_maps: Mapping[str, Mapping[str, str]] | None = None,
) -> ParsedSheet:
    """Read and validate a payout sheet (.xlsx/.xls/.ods/.csv).

    ``column_map`` (header text → field name, "" to ignore a column) takes precedence over
    the built-in synonyms; ``default_village`` makes the village column optional; ``today``
    is for the "birth date in the future" check. Raises ``InvalidInput`` when the file cannot
    be read at all, is over a cap, or no sheet has a usable header; its details then carry
    the first unmatched header row (``layout``) for the clerk to map. ``saved_maps`` (layout
    signature → column map) are mappings confirmed earlier, applied to the sheets they fit.
    """
    with _cycle_collector_paused():
        return _read(data, filename, max_bytes, max_rows, column_map, default_village, today,
                     saved_maps or {})


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """A 100k-row sheet allocates millions of objects that all stay alive until the reader
    returns; the cycle collector would walk them again and again for nothing (10–15 % of the
    read). Reference counting still frees everything as usual. Switched back on only by the
    call that switched it off: overlapping reads can end the pause early, never leave it off."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _read(
    data: bytes,
    filename: str,
    max_bytes: int,
    max_rows: int,
    column_map: Mapping[str, str] | None,
    default_village: str | None,
    today: date | None,
    saved_maps: Mapping[str, Mapping[str, str]],
) -> ParsedSheet:
    explicit = _overrides(column_map)
    grids, notes = read_grids(data, filename, max_bytes=max_bytes, max_rows=max_rows)
    required = ["name", "id_number", "amount"] + (["village"] if default_village is None else [])
    out = Collected(default_village, today)
    for sheet, note in notes:
        out.warn(sheet, 0, "", "", note)
    columns: dict[str, str] = {}
    used = 0
    layouts: list[Layout] = []
    unmatched: Layout | None = None
    for grid in grids:
        layout = layout_of(grid.name, grid.rows)
        overrides = explicit
        if layout is not None and layout.signature in saved_maps:
            overrides = _overrides(saved_maps[layout.signature]) | explicit
        header, missing = find_header(grid.rows, required, overrides)
        if header is None:
            unmatched = unmatched or layout
            if len(missing) < len(required):
                labels = "、".join(FIELD_LABELS[f] for f in missing)
                out.problem(grid.name, 0, "", "", f"缺少必需的列：{labels}（表头需在前5行）")
            else:
                out.warn(grid.name, 0, "", "", "没有找到表头（姓名、身份证号码、金额等），已跳过")
            continue
        used += 1
        if layout is not None:
            layouts.append(layout)
        columns.update(header.column_map)
        for note in header.duplicates:
            out.warn(grid.name, header.row + 1, "", "", note)
        read_rows(grid, header, out)
        if len(out.rows) + len(out.problems) > max_rows:
            raise InvalidInput(f"数据行数超过上限（{max_rows}行），请分成几个文件上传")
    if not used:
        village = "" if default_village else "、村名"
        raise InvalidInput(
            f"没有找到可用的表头：表头需在前5行，并包含姓名、身份证号码、金额{village}等列",
            details={"problems": [asdict(p) for p in out.problems + out.warnings],
                     "layout": asdict(unmatched) if unmatched else None},
        )
    return ParsedSheet(
        tuple(out.rows), tuple(out.problems), tuple(out.warnings), out.declared, columns,
        tuple(layouts), unmatched,
    )
