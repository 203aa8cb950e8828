"""Importing payout sheets into batches: validate everything, then store all or nothing."""

from __future__ import annotations

import difflib
import hashlib
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.ledgers.models import PayoutBatch, PayoutRow
from notices.ledgers.sheet import Problem, SheetRow, read_payout_sheet
from notices.masking import mask_id_board
from notices.protect import SensitiveCipher
from villages.errors import InvalidInput
from villages.models import Level, Region, Role, Staff
from villages.services import check_in_scope, check_role, get_region


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

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


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
) -> ImportSummary:
    """Validate a payout sheet and store it as one batch; raise InvalidInput listing every
    problem (sheet, row, column, value, message) and store nothing if anything is wrong."""
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

    parsed = read_payout_sheet(data, filename)
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
    warnings = [_problem_dict(w) for w in parsed.warnings]
    if problems:
        raise InvalidInput(
            f"表格有 {len(problems)} 处问题，未导入任何数据；请改正后重新导入",
            details={"problems": problems, "warnings": warnings},
        )
    if warnings and not (accept_warnings or dry_run):
        raise InvalidInput(
            f"表格有 {len(warnings)} 条提醒需要确认；核对无误后加 --accept-warnings 重新导入",
            details={"problems": [], "warnings": warnings},
        )

    summary = _summarise(resolved, township, program, year, warnings, dry_run)
    if dry_run:
        return summary
    async with in_transaction():
        batch = await PayoutBatch.create(
            township=township, program=program, year=year,
            quantity_unit=next((r.unit for r, _ in resolved if r.unit), ""),
            row_count=summary.rows, total_fen=summary.total_fen,
            source_filename=filename[:255], source_sha256=hashlib.sha256(data).hexdigest(),
            created_by=actor,
        )
        await PayoutRow.bulk_create(
            [_row_model(batch, village, row, cipher) for row, village in resolved],
            batch_size=1000,
        )
        await record_event(actor.name, "import_payouts", f"batch:{batch.id}", {
            "township": township.code, "program": program, "year": year,
            "rows": summary.rows, "total_fen": summary.total_fen, "file": filename,
        })
    summary.batch_id = batch.id
    return summary


def _row_model(batch: PayoutBatch, village: Region, row: SheetRow,
               cipher: SensitiveCipher) -> PayoutRow:
    return PayoutRow(
        batch=batch, village=village, row_no=row.row, group_name=row.group, name=row.name,
        id_cipher=cipher.encrypt(row.id_number), id_hash=cipher.lookup_hash(row.id_number),
        id_board=mask_id_board(row.id_number),
        quantity="" if row.quantity is None else str(row.quantity),
        rate_fen=row.rate_fen, amount_fen=row.amount_fen,
        bank_cipher=cipher.encrypt(row.bank_account) if row.bank_account else None,
        phone_cipher=cipher.encrypt(row.phone) if row.phone else None,
        note=row.note[:500],
    )


def _summarise(resolved: list[tuple[SheetRow, Region]], township: Region, program: str,
               year: int, warnings: list[dict[str, object]], dry_run: bool) -> ImportSummary:
    per_village: dict[str, VillageTotal] = {}
    people: dict[str, set[str]] = defaultdict(set)
    for row, village in resolved:
        total = per_village.setdefault(village.code, VillageTotal(village.code, village.name))
        total.rows += 1
        total.total_fen += row.amount_fen
        people[village.code].add(row.id_number)
    for code, total in per_village.items():
        total.households = len(people[code])
    return ImportSummary(
        batch_id=None, township=township.code, program=program, year=year,
        rows=len(resolved), households=sum(len(p) for p in people.values()),
        total_fen=sum(r.amount_fen for r, _ in resolved),
        villages=sorted(per_village.values(), key=lambda v: v.code),
        warnings=warnings, dry_run=dry_run,
    )


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
