"""An installation with published notices upgrades to the new notice kinds and states: on
SQLite, "altering" an enum column must not remake the notice table (its foreign keys and the
rows pointing at it would make that fail)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from tortoise import Tortoise
from tortoise.migrations.api import migrate

from bot.db import close_database, open_database, tortoise_config
from notices.clock import CHINA
from notices.ledgers.payouts.services import import_payouts
from notices.lifecycle.workflow import create_payout_notices
from notices.models import Notice, NoticeState, NoticeVersion
from notices.privacy.cipher import SensitiveCipher
from tests.builders import TOWNSHIP, create_county, create_staff, payout_csv
from villages.models import ChannelTarget, Role, Vetting

# (table, column definition) of columns later migrations add to tables the test writes.
_LATER_COLUMNS = [("payout_batch", "paid_on VARCHAR(10)")]  # 0016


async def test_a_database_with_published_notices_upgrades_and_keeps_them(tmp_path: Path):
    url = f"sqlite://{tmp_path / 'old.sqlite3'}"
    config = tortoise_config(url)
    # The last schema before any enum gained a value (0006 only adds a table the importer
    # of today needs); every enum alteration after it must leave the tables alone.
    await migrate(config=config, target="notices.0006_column_mapping")
    await Tortoise.close_connections()
    await Tortoise.init(config=config)
    # Today's importer writes columns added after 0006: lend them to the old schema for the
    # writes, and take them back before upgrading, so their own migrations run as in the field.
    conn = Tortoise.get_connection("default")
    for table, column in _LATER_COLUMNS:
        await conn.execute_script(f"ALTER TABLE {table} ADD COLUMN {column}")
    try:  # a failure here must not leave aiosqlite's thread holding the process
        await create_county()
        # A robot registered before later migrations added columns to its table: SQLite adds
        # a NOT NULL column to a table with rows only when the column has a DEFAULT.
        await conn.execute_query(
            "INSERT INTO channel_target (kind, name, address, active, created_at, region_id)"
            " SELECT 'wecom_robot', '东湖村村务工作群', 'robot-key', 1, ?, id FROM region"
            " WHERE name = '东湖村'", [datetime(2026, 11, 1, tzinfo=CHINA)])
        clerk = await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
        summary = await import_payouts(
            payout_csv([("东湖村", "一组", "张建国", "10.00", "925.00")]), "s.csv",
            township_code=TOWNSHIP, program="耕地地力保护补贴", year=2026, actor=clerk,
            cipher=SensitiveCipher(b"k" * 32, b"h" * 32), accept_warnings=True)
        notice = (await create_payout_notices(summary.batch_id, clerk))[0]
        await Notice.filter(id=notice.id).update(state=NoticeState.PUBLISHED)
        # The row as that schema had it (today's model has columns added since).
        await Tortoise.get_connection("default").execute_query(
            "INSERT INTO notice_version (notice_id, number, content, fingerprint, verify_code,"
            " status, period_start, period_end, published_at, published_by_id, pdf_file,"
            " withdrawn_reason) VALUES (?, 1, ?, ?, 'ABCD1234', 'current', ?, ?, ?, ?,"
            " 'x.pdf', '')",
            [notice.id, json.dumps(notice.draft_content), "f" * 64, date(2026, 11, 1),
             date(2026, 11, 7), datetime(2026, 11, 1, tzinfo=CHINA), clerk.id])
        for table, column in _LATER_COLUMNS:
            await conn.execute_script(f"ALTER TABLE {table} DROP COLUMN {column.split()[0]}")
    finally:
        await Tortoise.close_connections()

    await open_database(url)          # runs every newer migration, as `cunwu serve` does
    try:
        assert await NoticeVersion.filter(notice_id=notice.id).count() == 1
        robot = await ChannelTarget.get(name="东湖村村务工作群")
        assert robot.active and robot.vetting == Vetting.CONFIRMED
        await Notice.filter(id=notice.id).update(state=NoticeState.CLOSED)  # a new state fits
        assert (await Notice.get(id=notice.id)).state == NoticeState.CLOSED
    finally:
        await close_database()
