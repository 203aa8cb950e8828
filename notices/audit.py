"""Append-only audit events, each chained to the one before by hash.

Appends serialise on the newest row: the chain has a single head, so two writers can't
both extend the same link (the unique ``hash`` column refuses the loser's insert).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from notices.fingerprint import canonical_json
from notices.models import AuditEvent

GENESIS = "0" * 64


def _link(prev_hash: str, at: datetime, actor: str, action: str, subject: str,
          detail: dict[str, Any]) -> str:
    body = canonical_json({"prev": prev_hash, "at": at.isoformat(), "actor": actor,
                           "action": action, "subject": subject, "detail": detail})
    return hashlib.sha256(body.encode()).hexdigest()


async def record_event(actor: str, action: str, subject: str,
                       detail: dict[str, Any] | None = None) -> AuditEvent:
    """Append one event; call inside the transaction of the change it records."""
    detail = detail or {}
    last = await AuditEvent.all().order_by("-id").first()
    prev = last.hash if last else GENESIS
    at = datetime.now(UTC).replace(microsecond=0)
    return await AuditEvent.create(
        at=at, actor=actor, action=action, subject=subject, detail=detail, prev_hash=prev,
        hash=_link(prev, at, actor, action, subject, detail),
    )


async def find_broken_link() -> AuditEvent | None:
    """The first event whose hash or back-link doesn't match, or None if the chain holds."""
    prev = GENESIS
    for event in await AuditEvent.all().order_by("id"):
        expected = _link(prev, event.at.astimezone(UTC), event.actor, event.action,
                         event.subject, event.detail)
        if event.prev_hash != prev or event.hash != expected:
            return event
        prev = event.hash
    return None
