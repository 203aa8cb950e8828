"""Shared fixtures. Storage tests run on a fresh SQLite file by default, or on the
PostgreSQL database named by CUNWU_TEST_DATABASE_URL (script/test makes a throwaway one)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from tortoise import Tortoise, connections

from bot.db import open_database
from bot.runtime import Runtime, build_runtime
from bot.settings import Config, load_config
from notices.kinds.catalog import seed_catalog

PG_URL = os.environ.get("CUNWU_TEST_DATABASE_URL", "")

# Every test starts at this instant in Beijing, whatever the machine's clock says, so the
# suite passes in any year (DESIGN: tests never read the real clock). It is a Monday in a
# year chinese-calendar covers, with more than 60 days of that year still ahead, so
# working-day deadlines computed from "today" never reach a year without a schedule.
FIXED_NOW = datetime(2026, 10, 12, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[time_machine.Coordinates]:
    """Time starts at FIXED_NOW and runs on (tick) so leases, tokens and timeouts behave."""
    with time_machine.travel(FIXED_NOW, tick=True) as traveller:
        yield traveller

_TABLES = ("audit_event", "objection", "delivery", "notice_version", "notice", "payout_row",
           "payout_batch", "finance_entry", "finance_period", "channel_target", "staff", "region",
           "calendar_day", "calendar_year", "program", "catalog_item", "mp_follower",
           "board_posting", "mp_digest_item", "mp_digest", "mp_reply",
           "send_window", "wecom_token", "customer_group_task", "forward_confirmation",
           "county_setting",
           "staff_session", "login_throttle", "column_mapping", "staff_api_token",
           "mp_message_claim", "objection_rate")


@pytest.fixture
def config(tmp_path: Path) -> Config:
    env = {"CUNWU_HOME": str(tmp_path / "var"), "CUNWU_PUBLIC_URL": "http://cunwu.test",
           "CUNWU_DIGEST_TIME": "off"}  # digest tests set their own time
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
    await seed_catalog()  # every installation has it (cunwu init seeds it)
    yield config
    await Tortoise.close_connections()


@pytest.fixture
def runtime(db: Config) -> Runtime:
    return build_runtime(db)


@pytest.fixture
async def fake_wechat(db: Config) -> AsyncIterator[tuple[Any, Config]]:
    """The fake WeChat server on a loopback port, every registered robot known to it, and
    the config pointing the real clients at it."""
    from aiohttp.test_utils import TestServer

    from bot.fake_wechat import FAKE_STATE, create_fake_wechat_app
    from villages.models import ChannelTarget

    app = create_fake_wechat_app()
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    for target in await ChannelTarget.all():
        app[FAKE_STATE].add_robot(target.address, target.name)
    yield app[FAKE_STATE], replace(db, wecom_api_base=str(server.make_url("")).rstrip("/"))
    await server.close()


async def deliver_all(config: Config) -> None:
    """Run the real delivery worker until nothing is due."""
    from bot.app import worker_session

    async with worker_session(build_runtime(config)) as worker:
        while await worker.run_once():
            pass
