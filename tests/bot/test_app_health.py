"""/healthz asks the database and says how long the oldest queued delivery has waited."""

from __future__ import annotations

from datetime import timedelta

from aiohttp.test_utils import TestClient, TestServer
from tortoise import Tortoise

from bot.app import create_app
from bot.db import tortoise_config
from notices.clock import now_in_china
from notices.models import Delivery, DeliveryState
from tests.bot.worker.wecom_env import publish_county


async def test_health_is_ok_with_nothing_queued(db, runtime):
    app = create_app(runtime.config, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as http:
        response = await http.get("/healthz")
        assert response.status == 200
        assert await response.json() == {"ok": True, "database": "ok",
                                          "oldest_queued_delivery_s": None}


async def test_health_reports_how_long_the_oldest_queued_delivery_waited(db, runtime):
    await publish_county(runtime)
    queued = await Delivery.filter(state=DeliveryState.PENDING).order_by("id").first()
    assert queued is not None
    await Delivery.filter(id=queued.id).update(
        created_at=now_in_china() - timedelta(minutes=30))
    app = create_app(runtime.config, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as http:
        body = await (await http.get("/healthz")).json()
    assert body["ok"] is True
    assert 30 * 60 <= body["oldest_queued_delivery_s"] < 31 * 60


async def test_health_is_503_when_the_database_does_not_answer(db, runtime):
    app = create_app(runtime.config, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as http:
        # The database goes away under the running server: now it is a PostgreSQL server
        # nobody runs (port 9 is discard), so every query fails to connect.
        await Tortoise.close_connections()
        await Tortoise.init(config=tortoise_config("postgres://cunwu:pw-secret@127.0.0.1:9/x"))
        response = await http.get("/healthz")
        text = await response.text()
    assert response.status == 503
    assert "数据库无响应" in text and "pw-secret" not in text
