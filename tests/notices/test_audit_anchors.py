"""Anchors outside the database tell a chain that was rewritten (an event edited and every
hash after it recomputed) or truncated (the newest events deleted) from an intact one,
which the links alone cannot."""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from tortoise import connections

from notices.audit import find_broken_link, link_of, record_event
from notices.audit_anchors import (
    Anchor,
    anchor_head,
    chain_head,
    check_chain,
    latest_anchors,
    read_anchors,
)
from notices.models import AuditEvent

pytestmark = pytest.mark.storage

_RESTORE_SQLITE = """
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
  BEGIN SELECT RAISE(ABORT, 'cunwu: audit events are append-only'); END;
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event
  BEGIN SELECT RAISE(ABORT, 'cunwu: audit events are append-only'); END;
"""
_RESTORE_POSTGRES = """
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event
  FOR EACH ROW EXECUTE FUNCTION cunwu_refuse_change();
"""


@contextlib.asynccontextmanager
async def with_database_access() -> AsyncIterator[Any]:
    """What someone with the database's password can do: drop the append-only triggers
    (put back afterwards, for the next test on a shared PostgreSQL database)."""
    conn = connections.get("default")
    sqlite = conn.capabilities.dialect == "sqlite"
    await conn.execute_script(
        "DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_event_no_delete;" if sqlite
        else "DROP TRIGGER audit_event_append_only ON audit_event;")
    try:
        yield conn
    finally:
        await conn.execute_script(_RESTORE_SQLITE if sqlite else _RESTORE_POSTGRES)


async def _events(n: int) -> None:
    for i in range(n):
        await record_event("clerk", "county_setting", f"setting:{i}", {"to": i})


async def test_an_untouched_chain_holds_against_its_anchors(db, tmp_path):
    path = tmp_path / "anchors.jsonl"
    await _events(3)
    first = await anchor_head(path, "worker")
    assert first is not None and first.event_id == (await chain_head()).event_id
    assert await anchor_head(path, "worker") is None          # the head didn't move
    await _events(2)
    await anchor_head(path, "worker")
    anchors, bad = read_anchors(path)
    assert len(anchors) == 2 and bad == []
    check = await check_chain(anchors)
    assert check.intact and check.events == 5 and check.anchors == 2


async def test_an_edit_with_every_hash_recomputed_is_found_by_the_anchor(db, tmp_path):
    path = tmp_path / "anchors.jsonl"
    await _events(5)
    await anchor_head(path, "worker")
    events = await AuditEvent.all().order_by("id")
    async with with_database_access():
        prev = events[1].prev_hash
        for event in events[1:]:             # edit #2, then relink everything after it
            if event.id == events[1].id:
                event.detail = {"to": 999}
            event.prev_hash = prev
            event.hash = link_of(event)
            await AuditEvent.filter(id=event.id).update(
                detail=event.detail, prev_hash=event.prev_hash, hash=event.hash)
            prev = event.hash
    assert await find_broken_link() is None        # the links alone can't tell
    check = await check_chain(read_anchors(path)[0])
    assert not check.intact and "改写" in check.problem
    assert check.first_bad_id == events[-1].id


async def test_deleting_the_newest_events_is_found_as_a_truncation(db, tmp_path):
    path = tmp_path / "anchors.jsonl"
    await _events(5)
    await anchor_head(path, "worker")
    newest = (await chain_head()).event_id
    async with with_database_access() as conn:
        await conn.execute_query(f"DELETE FROM audit_event WHERE id > {newest - 2}")
    assert await find_broken_link() is None
    check = await check_chain(read_anchors(path)[0])
    assert not check.intact and "截断" in check.problem and check.first_bad_id == newest


async def test_an_anchor_someone_kept_from_the_digest_is_checked_too(db):
    await _events(2)
    head = await chain_head()
    assert (await check_chain([Anchor(head.event_id, head.hash)])).intact
    forged = Anchor(head.event_id, "0" * 64, source="given")
    assert "改写" in (await check_chain([forged])).problem


def test_a_long_anchor_file_is_read_from_its_end(tmp_path):
    path = tmp_path / "anchors.jsonl"
    with path.open("w") as fh:
        for n in range(1, 5001):
            fh.write(json.dumps({"id": n, "hash": f"{n:064x}", "at": "", "source": "w"}) + "\n")
        fh.write("edited by hand\n")
    assert [a.event_id for a in latest_anchors(path, 3)] == [5000, 4999, 4998]
    anchors, bad = read_anchors(path)
    assert len(anchors) == 5000 and bad == [5001]


def test_no_anchor_file_means_no_anchors(tmp_path: Path):
    assert latest_anchors(tmp_path / "none", 5) == [] and read_anchors(tmp_path / "x") == ([], [])
