"""Column mappings a clerk confirmed, remembered per county by the header row's signature.

The first import of an unfamiliar layout asks which column is which (console form or
``--map 列名=字段``); the answer is stored here, and the next sheet with the same header row
anywhere in the county is read with it, without questions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from notices.audit import record_event
from notices.ledgers.models import ColumnMapping
from notices.ledgers.payouts.header import FIELD_LABELS, FIELDS, SYNONYMS, Layout, normalise_header
from villages.errors import InvalidInput
from villages.models import Region, Staff

# What a clerk may type after "=" in --map: a field name, its Chinese label or any header
# synonym of it (面积, 身份证号 …), or 忽略 to leave the column out.
_FIELD_WORDS = SYNONYMS | {f: f for f in FIELDS} | {
    label: f for f, label in FIELD_LABELS.items()} | {"忽略": "", "不用": "", "-": "", "": ""}


def parse_map_options(options: Iterable[str]) -> dict[str, str]:
    """``列名=字段`` options (字段 by name or Chinese label, 忽略 to skip a column)."""
    out: dict[str, str] = {}
    for option in options:
        header, sep, field = option.partition("=")
        header, field = header.strip(), field.strip()
        if not sep or not header:
            raise InvalidInput(f"列对应“{option}”应写成 列名=字段，如 亩数=面积")
        if field not in _FIELD_WORDS:
            choices = "、".join(FIELD_LABELS.values())
            raise InvalidInput(f"列对应“{option}”中的字段“{field}”不认识，可选：{choices}、忽略")
        out[header] = _FIELD_WORDS[field]
    return out


def county_of(township: Region) -> int:
    """The region a mapping is shared in: the township's county (or the township itself)."""
    parent_id: int | None = township.parent_id  # type: ignore[attr-defined]
    return parent_id if parent_id is not None else township.id


async def saved_maps(county_id: int) -> dict[str, dict[str, str]]:
    """Every layout signature confirmed in the county → its column map. A county has a
    handful of layouts, so they are all handed to the reader."""
    found = await ColumnMapping.filter(county_id=county_id).values_list("signature", "mapping")
    return {signature: dict(mapping) for signature, mapping in found}


async def remember(county_id: int, layouts: Iterable[Layout], column_map: Mapping[str, str],
                   actor: Staff) -> int:
    """Store the confirmed part of ``column_map`` for each layout whose header row it names;
    returns how many layouts were stored. Call inside the import's transaction."""
    county = await Region.get(id=county_id)
    wanted = {normalise_header(h): (h, f) for h, f in column_map.items()}
    stored = 0
    for layout in layouts:
        mapping = {}
        for cell in layout.columns:
            hit = wanted.get(normalise_header(cell))
            if hit is not None:
                mapping[cell] = hit[1]
        if not mapping:
            continue
        row, created = await ColumnMapping.get_or_create(
            county=county, signature=layout.signature,
            defaults={"headers": list(layout.columns), "mapping": mapping, "created_by": actor})
        if not created:
            row.mapping = {**row.mapping, **mapping}
            row.created_by = actor
            await row.save()
        await record_event(actor.name, "column_mapping", f"column_mapping:{row.id}", {
            "county": county.code,
            "sheet": layout.sheet, "mapping": mapping})
        stored += 1
    return stored
