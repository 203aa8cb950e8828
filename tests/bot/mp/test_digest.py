"""The daily digest: built once, listed by township with links, sent through wechatpy's real
client to the fake official account, never twice, within the account's quota."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pytest
from aiohttp.test_utils import TestServer

from bot.fake_wechat import FakeWeChatState, create_fake_wechat_app
from bot.mp import digest_sender
from bot.mp.digest_sender import DigestSender
from bot.runtime import Runtime
from bot.settings import Config
from bot.wechat.mp_client import OfficialAccountClient
from notices.clock import CHINA
from notices.county.settings import set_setting
from notices.delivery import digest as digests
from notices.delivery.consistency import consistency_matrix
from notices.delivery.mp_models import DigestMode, DigestState, MpDigest, MpDigestItem
from notices.ledgers.payouts.services import import_payouts
from notices.lifecycle import workflow as lifecycle
from notices.models import AuditEvent, Notice
from tests.builders import (
    COUNTY,
    OTHER_TOWNSHIP,
    TOWNSHIP,
    create_county,
    create_staff,
    payout_csv,
)
from villages.errors import CheckFailed
from villages.models import Role

pytestmark = pytest.mark.storage

ROWS = [("东湖村", "一组", "张建国", "10.00", "925.00"),
        ("西岗村", "一组", "王志强", "7.25", "670.63")]


class Clock:
    """One clock for us and the fake platform (quotas reset at Beijing midnight)."""

    def __init__(self) -> None:
        # Just after the notices below are published; the digest time is set to 00:00.
        self.now = datetime.now(CHINA) + timedelta(minutes=1)

    def __call__(self) -> float:
        return self.now.timestamp()


@dataclass
class World:
    runtime: Runtime
    config: Config
    fake: FakeWeChatState
    clock: Clock
    client: OfficialAccountClient

    def sender(self) -> DigestSender:
        return DigestSender(self.client, self.config)

    def mass_sends(self) -> list:
        return [p for p in self.fake.mp.publications if p.how == "mass"]


async def publish_payouts(runtime: Runtime) -> list[Notice]:
    await create_county()
    clerk = await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    reviewer = await create_staff("reviewer", Role.TOWNSHIP_REVIEWER, TOWNSHIP)
    summary = await import_payouts(payout_csv(ROWS, total="1595.63"), "sheet.csv",
                                   township_code=TOWNSHIP, program="耕地地力保护补贴", year=2026,
                                   actor=clerk, cipher=runtime.cipher)
    assert summary.batch_id is not None
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    for notice in notices:
        await lifecycle.submit(notice, clerk)
        await lifecycle.approve(notice, reviewer)
        await lifecycle.publish(notice, reviewer, runtime.publish_context())
    return notices


@pytest.fixture
async def world(runtime: Runtime) -> AsyncIterator[World]:
    clock = Clock()
    fake = FakeWeChatState(clock=clock)
    config = replace(runtime.config, digest_time="00:00")
    fake.add_official_account(config.mp_appid, config.mp_secret)
    fake.mp.followers.update({"o_a", "o_b", "o_c"})
    server = TestServer(create_fake_wechat_app(fake), host="127.0.0.1")
    await server.start_server()
    client = OfficialAccountClient(config.mp_appid, config.mp_secret, str(server.make_url("")),
                                   timeout_s=2)
    await publish_payouts(runtime)
    yield World(runtime, config, fake, clock, client)
    client.close()
    await server.close()


async def test_the_digest_lists_new_notices_by_township_with_links(world: World) -> None:
    assert await world.sender().run_once(world.clock.now) == 1
    digest = await MpDigest.get()
    assert digest.state == DigestState.AWAITING_CONFIRMATION and digest.msg_id
    [sent] = world.mass_sends()
    assert sent.recipients == 3 and sent.clientmsgid == f"cunwu-digest-{digest.id}"
    article = sent.articles[0]
    assert article["title"].startswith("村务公开日报") and "新公示3项" in article["title"]
    assert "<h3>城关镇</h3>" in article["content"]
    for code in await digests.MpDigestItem.all().values_list("version__verify_code", flat=True):
        assert f'href="http://cunwu.test/n/{code}"' in article["content"]
    assert "张建国" not in article["content"]  # names stay in the notices, not the digest
    # The audit chain's head as it was, for the public to keep (an anchor outside our DB).
    created = await AuditEvent.get(action="digest_created")
    head = await AuditEvent.filter(id__lt=created.id).order_by("-id").first()
    assert head is not None
    assert f"截至第 {head.id} 条操作记录，链头哈希为 {head.hash}" in article["content"]
    # The platform's job report settles it.
    await digests.job_finished(msg_id=digest.msg_id, ok=True, status="send success")
    assert (await MpDigest.get()).state == DigestState.DELIVERED


async def test_nothing_is_built_before_the_configured_time(world: World) -> None:
    now = world.clock.now
    if now.hour == 23 and now.minute == 59:
        pytest.skip("no later minute today")
    later = now + timedelta(minutes=1)
    world.config = replace(world.config, digest_time=f"{later.hour:02d}:{later.minute:02d}")
    assert await world.sender().run_once(now) == 0
    assert await MpDigest.all().count() == 0
    await world.sender().run_once(later)
    assert await MpDigest.all().count() == 1


async def test_a_service_account_mass_sends_four_times_a_month_then_publishes(db) -> None:
    day = datetime(2026, 11, 20, tzinfo=CHINA).date()
    assert await digests.mode_for(day, "subscription") == DigestMode.MASS
    for n in range(1, 5):
        assert await digests.mode_for(day, "service") == DigestMode.MASS
        await MpDigest.create(day=day.replace(day=n), mode=DigestMode.MASS,
                              state=DigestState.DELIVERED, title="旧", content="旧",
                              next_attempt_at=datetime.now(CHINA))
    assert await digests.mode_for(day, "service") == DigestMode.PUBLISH
    assert await digests.mode_for(day.replace(month=12, day=1), "service") == DigestMode.MASS


async def test_a_second_run_the_same_day_sends_nothing(world: World) -> None:
    await world.sender().run_once(world.clock.now)
    await world.sender().run_once(world.clock.now + timedelta(minutes=5))
    assert len(world.mass_sends()) == 1 and await MpDigest.all().count() == 1


async def test_a_crash_after_the_mass_send_never_sends_twice(world: World, monkeypatch) -> None:
    real_save = digests.save_step

    async def crash_on_msg_id(digest: MpDigest, **ids: str) -> None:
        if "msg_id" in ids:
            raise SystemExit("worker killed between the platform's answer and our commit")
        await real_save(digest, **ids)

    monkeypatch.setattr(digests, "save_step", crash_on_msg_id)
    with pytest.raises(SystemExit):
        await world.sender().run_once(world.clock.now)
    monkeypatch.setattr(digests, "save_step", real_save)
    stuck = await MpDigest.get()
    assert stuck.state == DigestState.SENDING and stuck.steps_done == 2 and not stuck.msg_id
    # Another worker picks it up once the lease has run out: same clientmsgid → 45065.
    later = world.clock.now + timedelta(seconds=world.config.delivery_lease + 1)
    await world.sender().run_once(later)
    done = await MpDigest.get()
    [sent] = world.mass_sends()
    assert done.msg_id == str(sent.msg_id)
    assert done.state in (DigestState.AWAITING_CONFIRMATION, DigestState.DELIVERED)


async def test_a_crash_after_freepublish_never_publishes_twice(world: World,
                                                                monkeypatch) -> None:
    world.config = replace(world.config, mp_account_type="service")
    today = world.clock.now.date()
    if today.day <= 4:
        pytest.skip("the first days of a month have no four earlier days to fill")
    for n in range(1, 5):  # the month's four mass sends are used up
        await MpDigest.create(day=today.replace(day=n), mode=DigestMode.MASS,
                              state=DigestState.DELIVERED, title="旧", content="旧",
                              next_attempt_at=world.clock.now)
    real_save = digests.save_step

    async def crash_on_publish_id(digest: MpDigest, **ids: str) -> None:
        if "publish_id" in ids:
            raise SystemExit("killed")
        await real_save(digest, **ids)

    monkeypatch.setattr(digests, "save_step", crash_on_publish_id)
    with pytest.raises(SystemExit):
        await world.sender().run_once(world.clock.now)
    monkeypatch.setattr(digests, "save_step", real_save)
    await world.sender().run_once(world.clock.now + timedelta(minutes=5))
    today = await MpDigest.get(day=world.clock.now.date())
    assert today.mode == DigestMode.PUBLISH and today.state == DigestState.DELIVERED
    assert [p.how for p in world.fake.mp.publications] == ["publish"]
    assert world.mass_sends() == []


async def test_no_quota_left_waits_for_the_next_day(world: World) -> None:
    # Someone already mass-sent today from the web console: 45028 for our digest.
    thumb = await world.client.upload_image(digest_sender.cover_png())
    draft = await world.client.add_draft([{"title": "手工群发", "content": "<p>x</p>",
                                           "thumb_media_id": thumb}])
    await world.client.mass_send_article(draft, "by-hand")
    await world.sender().run_once(world.clock.now)
    waiting = await MpDigest.get()
    assert waiting.state == DigestState.PENDING and "masssend quota" in waiting.last_error
    tomorrow = (world.clock.now + timedelta(days=1)).replace(hour=0, minute=0)
    assert waiting.next_attempt_at >= tomorrow
    assert await world.sender().run_once(world.clock.now + timedelta(hours=2)) == 0
    world.clock.now = waiting.next_attempt_at
    await world.sender().run_once(world.clock.now)
    assert (await MpDigest.get()).state in (DigestState.AWAITING_CONFIRMATION,
                                            DigestState.DELIVERED)
    assert len(world.mass_sends()) == 2


async def test_a_daily_api_limit_45009_also_waits_for_the_next_day(world: World) -> None:
    world.fake.fail_next(1, 45009)
    await world.sender().run_once(world.clock.now)
    waiting = await MpDigest.get()
    assert waiting.state == DigestState.PENDING
    assert waiting.next_attempt_at.astimezone(CHINA).date() > world.clock.now.date()


async def test_a_privacy_hit_stops_the_digest_with_the_place(world: World) -> None:
    # Published versions are immutable, so the number comes from what the digest adds
    # around them: here a link base someone configured with a mobile number in it.
    world.config = replace(world.config, public_url="http://cunwu.test/13912345678")
    await world.sender().run_once(world.clock.now)
    digest = await MpDigest.get()
    assert digest.state == DigestState.FAILED and "日报正文" in digest.last_error
    assert world.fake.mp.publications == []


async def test_the_digest_lets_through_only_the_listed_townships_phones(runtime: Runtime) -> None:
    await publish_payouts(runtime)   # 城关镇's notices only
    admin = await create_staff("countyadmin", Role.COUNTY_ADMIN, COUNTY)
    mobile = "13937612345"
    await set_setting(f"supervision_phone.{OTHER_TOWNSHIP}", mobile, admin, office_mobile=True)
    now = datetime.now(CHINA) + timedelta(minutes=1)
    url = f"http://cunwu.test/{mobile}"   # the number appears in every link of the article
    digest = await digests.ensure_digest(now.date(), now, public_url=url,
                                         account_type="subscription")
    assert digest is not None and digest.state == DigestState.FAILED   # 柳河镇's number
    await set_setting(f"supervision_phone.{TOWNSHIP}", mobile, admin, office_mobile=True)
    retried = await digests.retry_failed(now.date(), now, public_url=url, actor="countyadmin")
    assert retried.state == DigestState.PENDING


async def test_the_consistency_matrix_shows_the_digest(world: World) -> None:
    before = await consistency_matrix()
    assert {c.state for r in before for c in r.cells if c.channel == "mp_digest"} == {"waiting"}
    assert all(r.ok for r in before)  # waiting for the evening digest is not inconsistent
    await world.sender().run_once(world.clock.now)
    digest = await MpDigest.get()
    await digests.job_finished(msg_id=digest.msg_id, ok=True, status="send success")
    after = await consistency_matrix()
    cells = [c for r in after for c in r.cells if c.channel == "mp_digest"]
    assert len(cells) == 3 and {c.state for c in cells} == {"ok"}
    assert await MpDigestItem.all().count() == 3


@pytest.mark.parametrize("account_type", ["subscription", "service_over_quota"])
async def test_the_platforms_job_report_on_the_callback_settles_the_digest(
        world: World, account_type: str) -> None:
    import asyncio

    from aiohttp.test_utils import TestServer as Server

    from bot.app import create_app

    if account_type == "service_over_quota":
        world.config = replace(world.config, mp_account_type="service")
        today = world.clock.now.date()
        if today.day <= 4:
            pytest.skip("needs four earlier days this month")
        for n in range(1, 5):
            await MpDigest.create(day=today.replace(day=n), mode=DigestMode.MASS,
                                  state=DigestState.DELIVERED, title="旧", content="旧",
                                  next_attempt_at=world.clock.now)
    ours = Server(create_app(world.config, with_worker=False, open_db=False), host="127.0.0.1")
    await ours.start_server()
    world.fake.mp_events_url = str(ours.make_url("/wechat/mp"))
    world.fake.mp_events_token = world.config.mp_token
    world.fake.mp_events_aes = (world.config.mp_aes_key, world.config.mp_appid)  # safe mode
    try:
        await world.sender().run_once(world.clock.now)
        for _ in range(100):
            digest = await MpDigest.get(day=world.clock.now.date())
            if digest.state == DigestState.DELIVERED:
                break
            await asyncio.sleep(0.05)
    finally:
        await ours.close()
    assert digest.state == DigestState.DELIVERED, digest.last_error
    if digest.mode == DigestMode.PUBLISH:
        assert digest.article_url.startswith("https://mp.weixin.qq.com/s/")
    else:
        assert "送达3人" in digest.platform_status


async def test_without_an_event_the_result_is_asked_for(world: World) -> None:
    await world.sender().run_once(world.clock.now)   # no callback URL: no event comes
    assert (await MpDigest.get()).state == DigestState.AWAITING_CONFIRMATION
    await world.sender().run_once(world.clock.now + timedelta(seconds=30))
    assert (await MpDigest.get()).state == DigestState.AWAITING_CONFIRMATION  # too soon
    await world.sender().run_once(world.clock.now + timedelta(minutes=3))
    digest = await MpDigest.get()
    assert digest.state == DigestState.DELIVERED and digest.platform_status == "SEND_SUCCESS"
    assert len(world.mass_sends()) == 1


async def test_two_workers_at_once_build_one_digest_and_send_it_once(world: World) -> None:
    import asyncio

    built = await asyncio.gather(*(digests.ensure_digest(
        world.clock.now.date(), world.clock.now, public_url="http://cunwu.test",
        account_type="subscription") for _ in range(2)))
    assert built[0] is not None and built[1] is not None and built[0].id == built[1].id
    assert await MpDigest.all().count() == 1 and await MpDigestItem.all().count() == 3
    await asyncio.gather(world.sender().run_once(world.clock.now),
                         world.sender().run_once(world.clock.now))
    assert len(world.mass_sends()) == 1


async def test_a_failed_digest_is_sent_once_its_cause_is_fixed(world: World) -> None:
    from villages.errors import Conflict

    bad = replace(world.config, public_url="http://cunwu.test/13912345678")
    await DigestSender(world.client, bad).run_once(world.clock.now)
    assert (await MpDigest.get()).state == DigestState.FAILED
    with pytest.raises(CheckFailed):  # still wrong: refused again, nothing changes
        await digests.retry_failed(world.clock.now.date(), world.clock.now,
                                   public_url=bad.public_url, actor="admin")
    await digests.retry_failed(world.clock.now.date(), world.clock.now,
                               public_url=world.config.public_url, actor="admin")
    await world.sender().run_once(world.clock.now)
    [sent] = world.mass_sends()
    assert "13912345678" not in sent.articles[0]["content"]
    with pytest.raises(Conflict, match="无需重试"):
        await digests.retry_failed(world.clock.now.date(), world.clock.now,
                                   public_url=world.config.public_url, actor="admin")
