"""The public content of a payout notice, built from ledger rows.

This is the one canonical record every channel renders from. It holds what the board may
show (full names, 村民小组, amounts) and never an ID, bank or phone number; online channels
mask names further when they render (notices.render.payout).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from notices.kinds.catalog_models import Program
from notices.ledgers.models import PayoutBatch, PayoutRow
from notices.models import NoticeKind
from villages.models import Region

SCHEMA = 1
ASSISTANCE = "assistance"  # 低保/特困: name, people covered, amount on every channel


def payout_title(batch: PayoutBatch) -> str:
    return f"关于{batch.year}年{batch.program}发放情况的公示"


def _intro(batch: PayoutBatch, township: Region, village: Region | None,
           program: Program | None) -> str:
    where = f"{township.name}{village.name}" if village else township.name
    basis = f"根据{program.item.basis}" if program else f"根据{batch.year}年{batch.program}政策规定"
    standard = f"（标准：{program.standard}，单位：{program.unit}）" if program else ""
    return (f"{basis}{standard}，现将{where}{batch.year}年{batch.program}发放情况予以公示。"
            "如有异议，请在公示期内向村委会或乡镇监督电话反映，也可扫描二维码在线提出。")


def _row(row: PayoutRow, assistance: bool) -> dict[str, Any]:
    if assistance:
        # 低保/特困 lists: name, people covered, amount — nothing else (DESIGN §2).
        return {"name": row.name, "group": "", "quantity": row.quantity, "rate_fen": None,
                "amount_fen": row.amount_fen, "note": ""}
    return {"name": row.name, "group": row.group_name, "quantity": row.quantity,
            "rate_fen": row.rate_fen, "amount_fen": row.amount_fen, "note": row.note}


async def village_contents(batch: PayoutBatch) -> dict[int, dict[str, Any]]:
    """Content of every village notice of a batch, keyed by village id."""
    township = await Region.get(id=batch.township_id)
    program = await Program.get_or_none(name=batch.program).prefetch_related("item")
    assistance = program is not None and program.profile == "assistance"
    rows_by_village: dict[int, list[PayoutRow]] = defaultdict(list)
    for row in await PayoutRow.filter(batch=batch).order_by("village_id", "row_no"):
        rows_by_village[row.village_id].append(row)
    villages = {v.id: v for v in await Region.filter(id__in=list(rows_by_village))}
    out: dict[int, dict[str, Any]] = {}
    for village_id, rows in rows_by_village.items():
        village = villages[village_id]
        out[village_id] = {
            "schema": SCHEMA,
            "kind": NoticeKind.PAYOUT_VILLAGE.value,
            "title": payout_title(batch),
            "issuer": f"{township.name}人民政府",
            "region": {"code": village.code, "name": village.name, "township": township.name},
            "program": batch.program,
            "year": batch.year,
            "batch_id": batch.id,
            "quantity_unit": "人" if assistance else batch.quantity_unit,
            "intro": _intro(batch, township, village, program),
            "rows": [_row(r, assistance) for r in rows],
            "total_fen": sum(r.amount_fen for r in rows),
            # Only on restricted lists, so the fingerprints of other notices stay as they were.
            **({"profile": ASSISTANCE} if assistance else {}),
            # Only when the clerk gave it, for the same reason (发放时间 on the board).
            **({"paid_on": batch.paid_on} if batch.paid_on and not assistance else {}),
        }
    return out


def summary_content(batch: PayoutBatch, township: Region,
                    villages: dict[int, dict[str, Any]]) -> dict[str, Any]:
    """The township summary: one line per village, from the village contents themselves,
    so the summary can only ever add up what the villages show."""
    lines = sorted(villages.values(), key=lambda c: c["region"]["code"])
    return {
        "schema": SCHEMA,
        "kind": NoticeKind.PAYOUT_SUMMARY.value,
        "title": f"{batch.year}年{batch.program}发放汇总表",
        "issuer": f"{township.name}人民政府",
        "region": {"code": township.code, "name": township.name, "township": township.name},
        "program": batch.program,
        "year": batch.year,
        "batch_id": batch.id,
        "quantity_unit": "",
        "intro": _intro(batch, township, None, None),
        "rows": [
            {"name": c["region"]["name"], "group": "", "quantity": str(len(c["rows"])),
             "rate_fen": None, "amount_fen": c["total_fen"], "note": c["region"]["code"]}
            for c in lines
        ],
        "total_fen": sum(c["total_fen"] for c in lines),
        **({"paid_on": batch.paid_on} if batch.paid_on else {}),
    }


async def content_from_ledger(notice: Any) -> dict[str, Any] | None:
    """What the notice's content would be if drafted from its batch now (None: the village
    has no rows left in the batch)."""
    batch = await PayoutBatch.get(id=notice.batch_id)
    villages = await village_contents(batch)
    if notice.kind == NoticeKind.PAYOUT_SUMMARY:
        return summary_content(batch, await Region.get(id=batch.township_id), villages)
    return villages.get(notice.region_id)
