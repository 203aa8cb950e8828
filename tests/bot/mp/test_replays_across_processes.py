"""WeChat's retries of one message reaching different web processes (nginx in front of
several ``cunwu serve``): handled once, every copy gets the same reply. Two aiohttp apps
stand for two processes: each has its own in-process replay cache, they share only the
database (an SQLite file, or PostgreSQL with CUNWU_TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.mp import message_claims
from bot.mp.message_claims import MessageClaims
from notices.clock import CHINA
from notices.delivery.mp_models import MpMessageClaim
from notices.fingerprint import format_code
from notices.objections.models import Objection
from tests.bot.mp.test_callback import post, post_plain, reply_fields, text_xml
from tests.bot.mp.test_commands import PHONE, published  # noqa: F401  (fixture)

pytestmark = pytest.mark.storage


@pytest.fixture
async def two_processes(db, published):  # noqa: F811
    clients = []
    for _ in range(2):
        client = TestClient(TestServer(create_app(db, with_worker=False, open_db=False)))
        await client.start_server()
        clients.append(client)
    yield clients
    for client in clients:
        await client.close()


async def test_one_objection_sent_to_two_processes_at_once_is_filed_once(
        two_processes, db, published):  # noqa: F811
    *_, version = published
    code = format_code(version.verify_code)
    xml = text_xml(f"异议 {code} {PHONE} 我家承包面积是8亩，公示只有7亩", msg_id=66_000_001)
    first, second = await asyncio.gather(
        *(post(client, db, xml, nonce=f"n{i}") for i, client in enumerate(two_processes)))
    assert first.status == second.status == 200
    texts = [reply_fields(await r.text(), db)["Content"] for r in (first, second)]
    objection = await Objection.get()   # exactly one, or this raises
    assert texts[0] == texts[1] and objection.number in texts[0]
    # A third retry, later, to either process: still the same answer, still one objection.
    for client in two_processes:
        again = await post(client, db, xml, nonce="late")
        assert reply_fields(await again.text(), db)["Content"] == texts[0]
    assert await Objection.all().count() == 1


async def test_a_retry_waits_for_the_other_process_to_finish(db):
    started, release = asyncio.Event(), asyncio.Event()
    runs = 0

    async def slow() -> str:
        nonlocal runs
        runs += 1
        started.set()
        await release.wait()
        return "<xml>answer</xml>"

    first = asyncio.create_task(MessageClaims().once("msg:1", slow))
    await started.wait()
    second = asyncio.create_task(MessageClaims().once("msg:1", slow))
    await asyncio.sleep(3 * message_claims.POLL_S)
    assert not second.done()          # waiting for the first process, not answering itself
    release.set()
    assert await first == await second == "<xml>answer</xml>" and runs == 1


async def test_a_failed_attempt_frees_the_message_for_the_retry(db):
    async def broken() -> str:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        await MessageClaims().once("msg:2", broken)

    async def fine() -> str:
        return "ok"

    assert await MessageClaims().once("msg:2", fine) == "ok"


async def test_a_claim_whose_process_died_is_taken_over_after_its_lease(db):
    now = datetime.now(CHINA)
    await MpMessageClaim.create(key="msg:3", lease_until=now - timedelta(seconds=1),
                                expires_at=now + timedelta(seconds=100))

    async def answer() -> str:
        return "taken over"

    assert await asyncio.wait_for(MessageClaims().once("msg:3", answer), 2) == "taken over"


async def test_expired_claims_are_deleted_and_fresh_ones_kept(db):
    now = datetime.now(CHINA)
    await MpMessageClaim.create(key="old", reply="x", lease_until=now,
                                expires_at=now - timedelta(seconds=1))
    await MpMessageClaim.create(key="new", reply="y", lease_until=now,
                                expires_at=now + timedelta(seconds=100))
    assert await MessageClaims().delete_expired() == 1
    assert await MpMessageClaim.all().values_list("key", flat=True) == ["new"]


async def test_only_messages_that_change_something_take_a_shared_claim(
        two_processes, db, published):  # noqa: F811
    client = two_processes[0]
    for msg_id, text in [(66_000_010, "帮助"), (66_000_011, "核验 7F3K-92QD"),
                         (66_000_012, "今天发钱吗"), (66_000_013, "东湖村")]:
        response = await post(client, db, text_xml(text, msg_id=msg_id))
        assert response.status == 200
    # Reads answer the same wherever a retry lands; the binding must happen once.
    assert await MpMessageClaim.all().values_list("key", flat=True) == ["msg:66000013"]


async def test_a_plaintext_signature_replayed_with_another_body_to_another_process_is_403(
        db, published):  # noqa: F811
    # Plaintext mode: the signature doesn't cover the body, so the pair (timestamp, nonce)
    # is shared through the database; the forged copy reaches the other process.
    config = replace(db, mp_mode="plaintext")
    clients = [TestClient(TestServer(create_app(config, with_worker=False, open_db=False)))
               for _ in range(2)]
    for client in clients:
        await client.start_server()
    try:
        ts, nonce = int(time.time()), "seen-once"
        genuine = await post_plain(clients[0], config, text_xml("帮助"), timestamp=ts,
                                   nonce=nonce)
        assert genuine.status == 200
        forged = text_xml(f"异议 {format_code(published[-1].verify_code)} {PHONE} 假的",
                          openid="o_someone_else")
        again = await post_plain(clients[1], config, forged, timestamp=ts, nonce=nonce)
        assert again.status == 403
        assert await Objection.all().count() == 0
    finally:
        for client in clients:
            await client.close()
