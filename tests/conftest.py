"""Shared fixtures. Storage tests run on a fresh SQLite file by default, or on the
PostgreSQL database named by CUNWU_TEST_DATABASE_URL (script/test makes a throwaway one)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from tortoise import Tortoise, connections

from bot.db import open_database
from bot.runtime import Runtime, build_runtime
from bot.settings import Config, load_config

PG_URL = os.environ.get("CUNWU_TEST_DATABASE_URL", "")

_TABLES = ("audit_event", "delivery", "notice_version", "notice", "payout_row", "payout_batch",
           "finance_entry", "finance_period", "channel_target", "staff", "region")


@pytest.fixture
def config(tmp_path: Path) -> Config:
    env = {"CUNWU_HOME": str(tmp_path / "var"), "CUNWU_PUBLIC_URL": "http://cunwu.test"}
    if PG_URL:
        env["CUNWU_DATABASE_URL"] = PG_URL
    return load_config(env)


@pytest.fixture
async def db(config: Config) -> AsyncIterator[Config]:
    """A migrated, empty database for one test."""
    await open_database(config.database_url)
    if PG_URL:
        conn = connections.get("default")
        await conn.execute_script(
            f"TRUNCATE {', '.join(_TABLES)} RESTART IDENTITY CASCADE")
    yield config
    await Tortoise.close_connections()


@pytest.fixture
def runtime(db: Config) -> Runtime:
    return build_runtime(db)
