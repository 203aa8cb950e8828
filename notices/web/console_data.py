"""What the import console shows, as plain data: the regions a staff member may import for,
their recent batches, and an import summary with 大写 amounts. No aiohttp here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from notices.kinds.catalog_models import Program
from notices.ledgers.models import FinancePeriod, PayoutBatch
from notices.ledgers.payouts.header import FIELD_LABELS, FIELDS
from notices.money import format_fen
from pdf.amounts import amount_in_words
from villages import codes, glossary
from villages.models import Level, Region, Role, Staff

ROLE_ZH: dict[str, str] = {role: glossary.role_zh(role) for role in Role}
FIELD_CHOICES = [("", "（不用这一列）")] + [(f, FIELD_LABELS[f]) for f in FIELDS]


@dataclass(frozen=True)
class Choices:
    townships: list[Region]
    villages: list[Region]
    programs: list[str]
    batches: list[dict[str, Any]]


async def _regions_in_scope(staff: Staff, level: Level) -> list[Region]:
    scope: Region = staff.scope
    if scope.level == level:
        return [scope]
    prefix = codes.prefix_of(scope.code)
    return await Region.filter(level=level, code__startswith=prefix).order_by("code")


async def console_choices(staff: Staff) -> Choices:
    townships = await _regions_in_scope(staff, Level.TOWNSHIP)
    villages = await _regions_in_scope(staff, Level.VILLAGE)
    if staff.scope.level == Level.VILLAGE:
        townships = []
    programs = list(await Program.all().order_by("id").values_list("name", flat=True))
    batches = await PayoutBatch.filter(township_id__in=[t.id for t in townships]).order_by(
        "-id").limit(30).prefetch_related("township")
    return Choices(townships, villages, programs, [batch_view(b) for b in batches])


def batch_view(batch: PayoutBatch) -> dict[str, Any]:
    return {"id": batch.id, "township": batch.township.name, "program": batch.program,
            "year": batch.year, "period": batch.period, "rows": batch.row_count,
            "total": format_fen(batch.total_fen), "revision": batch.revision,
            "file": batch.source_filename}


def payout_summary_view(summary: dict[str, Any]) -> dict[str, Any]:
    """The import summary as the console shows it: yuan with separators and in 大写."""
    return {**summary, "total": format_fen(summary["total_fen"]),
            "total_words": amount_in_words(summary["total_fen"]),
            "villages": [{**v, "total": format_fen(v["total_fen"]),
                          "total_words": amount_in_words(v["total_fen"])}
                         for v in summary["villages"]]}


def finance_summary_view(summary: dict[str, Any]) -> dict[str, Any]:
    out = dict(summary)
    for key in ("opening_fen", "income_fen", "expense_fen", "closing_fen"):
        out[key.removesuffix("_fen")] = _signed(summary[key])
    out["closing_words"] = amount_in_words(abs(summary["closing_fen"]))
    out["categories"] = [{"name": name, "income": format_fen(t["income_fen"]),
                          "expense": format_fen(t["expense_fen"])}
                         for name, t in summary["by_category"].items()]
    return out


def _signed(fen: int) -> str:
    return format_fen(fen) if fen >= 0 else f"-{format_fen(-fen)}"


async def finance_periods(villages: list[Region]) -> list[dict[str, Any]]:
    found = await FinancePeriod.filter(village_id__in=[v.id for v in villages]).order_by(
        "-id").limit(20).prefetch_related("village")
    return [{"village": p.village.name, "period": p.period, "entries": p.entry_count,
             "closing": _signed(p.closing_fen), "signed": p.signed_off_at is not None}
            for p in found]
