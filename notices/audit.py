"""Append-only audit events, each chained to the one before by hash.

The chain must have a single head. Two writers that both read the newest row and both
link to it fork the chain (on PostgreSQL, 20 concurrent events once left 8 distinct
``prev_hash`` values, and ``audit verify`` called the second event broken). So appends
serialise: on PostgreSQL under a transaction-scoped advisory lock held until the change
commits; SQLite has a single writer.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from notices.fingerprint import canonical_json
from notices.models import AuditEvent

GENESIS = "0" * 64
APPEND_LOCK_KEY = 0x6375_6E77_6175_6469  # "cunwaudi": one audit append at a time


def _link(prev_hash: str, at: datetime, actor: str, action: str, subject: str,
          detail: dict[str, Any]) -> str:
    body = canonical_json({"prev": prev_hash, "at": at.isoformat(), "actor": actor,
                           "action": action, "subject": subject, "detail": detail})
    return hashlib.sha256(body.encode()).hexdigest()


async def record_event(actor: str, action: str, subject: str,
                       detail: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event; call inside the transaction of the change it records (then the
    lock is held until that change commits, and the event and the change stand or fall
    together; called alone, the event gets a transaction of its own)."""
    detail = detail or {}
    async with in_transaction() as conn:
        if conn.capabilities.dialect == "postgres":
            await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [APPEND_LOCK_KEY])
        last = await AuditEvent.all().order_by("-id").first()
        prev = last.hash if last else GENESIS
        at = datetime.now(UTC).replace(microsecond=0)
        return await AuditEvent.create(
            at=at, actor=actor, action=action, subject=subject, detail=detail,
            prev_hash=prev, hash=_link(prev, at, actor, action, subject, detail),
        )


def link_of(event: AuditEvent) -> str:
    """The hash ``event`` must have, given what it says and the hash it links to."""
    return _link(event.prev_hash, event.at.astimezone(UTC), event.actor, event.action,
                 event.subject, event.detail)


async def find_broken_link() -> AuditEvent | None:
    """The first event whose hash or back-link doesn't match, or None if the chain holds.
    (It can't tell a chain recomputed after an edit: ``audit_anchors.check_chain`` can.)"""
    prev = GENESIS
    for event in await AuditEvent.all().order_by("id"):
        if event.prev_hash != prev or event.hash != link_of(event):
            return event
        prev = event.hash
    return None
