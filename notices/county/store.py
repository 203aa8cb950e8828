"""Writing one county setting row, audited with the value before and after."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.county.models import CountySetting
from villages.models import Staff


async def store_setting(key: str, after: str, default: str, actor: Staff,
                        **about: Any) -> tuple[str, str]:
    """Store an already checked value; returns (before, after). Unchanged writes nothing."""
    async with in_transaction():
        row = await CountySetting.get_or_none(key=key)
        before = row.value if row is not None else default
        if after == before:
            return before, after
        if row is None:
            await CountySetting.create(key=key, value=after, updated_by=actor.name)
        else:
            await CountySetting.filter(id=row.id).update(value=after, updated_by=actor.name)
        await record_event(actor.name, "set_setting", f"setting:{key}",
                           {"before": before, "after": after, **about})
    return before, after
