"""/audit: the audit chain's head and its latest anchors, public, for anyone to save."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from notices.audit import record_event
from notices.audit_anchors import ANCHOR_FILE, anchor_head, chain_head

pytestmark = pytest.mark.storage


@pytest.fixture
async def client(db):
    async with TestClient(TestServer(create_app(db, with_worker=False, open_db=False))) as c:
        yield c


async def test_the_page_shows_the_head_and_the_anchors_to_save(client, db):
    await record_event("clerk", "county_setting", "setting:a")
    anchored = await anchor_head(db.home / ANCHOR_FILE, "worker")
    await record_event("clerk", "county_setting", "setting:b")
    head = await chain_head()
    assert anchored is not None and head is not None
    page = await (await client.get("/audit", params={"q": "<script>"})).text()
    assert "操作记录核对" in page and head.hash in page and anchored.hash in page
    assert f"第 {anchored.event_id} 条" in page and "<script>" not in page


async def test_an_empty_chain_says_so_in_chinese(client):
    response = await client.get("/audit")
    assert response.status == 200 and "还没有操作记录" in await response.text()
