"""Forward packs for ordinary WeChat groups: a text within 2 KB whatever the list, a signed
link that opens the cadre's page without a login, and a confirmation that records who
forwarded which version into which group - and shows up in the consistency matrix."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import given, settings
from hypothesis import strategies as st
from tortoise import Tortoise

from bot.app import create_app
from bot.cli.main import main
from bot.db import open_database
from bot.runtime import build_runtime
from notices.audit import record_event
from notices.delivery import forward_pack
from notices.delivery.consistency import consistency_matrix
from notices.delivery.models import ForwardConfirmation
from notices.kinds.catalog import seed_catalog
from notices.models import AuditEvent, Delivery, DeliveryState, NoticeKind, NoticeVersion
from notices.render.group_text import FORWARD_LIMIT_BYTES, group_text
from notices.render.publication import Publication
from tests.bot.worker.wecom_env import publish_county
from tests.builders import VILLAGE_A, VILLAGE_B
from tests.notices.fixtures.numbers import make_id
from villages import group_targets
from villages.errors import Conflict, InvalidInput, NotFound
from villages.models import ChannelKind, ChannelTarget

PUB = Publication(verify_code="7F3K92QD", url="https://cunwu.example.cn/n/7F3K92QD",
                  period_start=date(2026, 11, 22), period_end=date(2026, 11, 28),
                  supervision_phone="0371-12345678")
names = st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5),
                min_size=1, max_size=12)


def _content(rows: list[tuple[str, int]], title: str = "2026年耕地地力保护补贴发放公示") -> dict:
    return {"kind": "payout_village", "title": title, "total_fen": sum(a for _, a in rows),
            "region": {"township": "城关镇", "name": "东湖村"},
            "rows": [{"name": n, "group": "", "quantity": "", "amount_fen": a, "rate_fen": None,
                      "note": ""} for n, a in rows]}


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(names, st.integers(1, 10**9)), min_size=1, max_size=300),
       title=names)
def test_the_text_always_fits_2kb_and_keeps_the_link_and_the_code(rows, title):
    text = group_text(_content(rows, title), PUB)
    assert len(text.encode("utf-8")) <= FORWARD_LIMIT_BYTES
    assert PUB.url in text and "7F3K-92QD" in text
    shown = [line for line in text.split("\n") if line.endswith("元") and "合计" not in line]
    assert len(shown) == len(rows) or f"其余{len(rows) - len(shown)}户" in text


def test_names_in_the_text_are_masked():
    text = group_text(_content([("张建国", 12345), ("李秀英", 100)]), PUB)
    assert "张建国" not in text and "张*国" in text and "123.45元" in text


@pytest.fixture
async def published(runtime) -> tuple[Any, NoticeVersion]:
    notices = await publish_county(runtime)
    donghu = next(n for n in notices if n.kind == NoticeKind.PAYOUT_VILLAGE
                  and n.draft_content["region"]["name"] == "东湖村")
    return runtime, await NoticeVersion.get(notice_id=donghu.id)


@pytest.mark.storage
async def test_a_forged_or_foreign_token_opens_nothing(published):
    runtime, version = published
    key = forward_pack.pack_key(runtime.secrets.lookup_key)
    token = (await forward_pack.pack_for_notice(key, version.notice_id, VILLAGE_A, "")).token
    assert forward_pack.check_token(key, token)[0] == version.id
    other_key = forward_pack.pack_key(b"another county's key")
    for bad in (token[:-2] + "xx", forward_pack.sign(other_key, version.id, 1), "1-2-3", "",
                "../etc/passwd"):
        with pytest.raises(NotFound):
            forward_pack.check_token(key, bad)


@pytest.mark.storage
async def test_the_cadre_opens_the_pack_and_confirms_one_group(published):
    runtime, version = published
    app = create_app(runtime.config, with_worker=False, open_db=False)
    key = forward_pack.pack_key(runtime.secrets.lookup_key)
    pack = await forward_pack.pack_for_notice(key, version.notice_id, VILLAGE_A,
                                              runtime.config.public_url)
    async with TestClient(TestServer(app)) as http:
        page = await http.get(f"/f/{pack.token}")
        html = await page.text()
        assert page.status == 200 and "复制文字" in html and "我已转发到这个群" in html
        assert "张建国" not in html  # online: masked names only
        image = await http.get(f"/f/{pack.token}/long.png")
        assert image.status == 200 and (await image.read()).startswith(b"\x89PNG")
        assert (await http.get(f"/f/{pack.token[:-3]}abc")).status == 404
        bad = await http.post(f"/f/{pack.token}/confirm", data={"who": "", "group": "x"})
        assert bad.status == 422 and "姓名" in await bad.text()
        done = await http.post(f"/f/{pack.token}/confirm",
                               data={"who": "王文书", "group": "东湖村村民群"})
        assert done.status == 200 and "已记录" in await done.text()
    [confirmation] = await ForwardConfirmation.all().prefetch_related("delivery__target")
    assert confirmation.forwarded_by == "王文书" and confirmation.group_name == "东湖村村民群"
    assert confirmation.delivery.target.kind == ChannelKind.WECHAT_GROUP
    assert confirmation.delivery.state == DeliveryState.DELIVERED
    assert await AuditEvent.filter(action="forward_confirm").count() == 1
    row = next(r for r in await consistency_matrix(VILLAGE_A) if r.notice_id == version.notice_id)
    [cell] = [c for c in row.cells if c.channel == ChannelKind.WECHAT_GROUP]
    assert cell.state == "ok" and cell.holds == version.number  # "forward pack confirmed"


@pytest.mark.storage
async def test_a_group_named_for_the_first_time_becomes_a_target(published):
    runtime, version = published
    key = forward_pack.pack_key(runtime.secrets.lookup_key)
    pack = await forward_pack.pack_for_notice(key, version.notice_id, VILLAGE_A, "http://x")
    await forward_pack.confirm_forward(key, pack.token, "王文书", "东湖村三组群")
    assert await Delivery.filter(target__name="东湖村三组群", state="delivered").exists()
    with pytest.raises(InvalidInput):
        await forward_pack.confirm_forward(key, pack.token, "王文书", "群" * 51)


@pytest.mark.storage
async def test_a_superseded_version_cannot_be_confirmed(published):
    runtime, version = published
    key = forward_pack.pack_key(runtime.secrets.lookup_key)
    pack = await forward_pack.pack_for_notice(key, version.notice_id, VILLAGE_A, "http://x")
    event = await record_event("test", "publish", f"notice:{version.notice_id}")
    await NoticeVersion.filter(id=version.id).update(status="superseded",
                                                     status_event_id=event.id)
    with pytest.raises(Conflict):
        await forward_pack.confirm_forward(key, pack.token, "王文书", "东湖村村民群")


def test_cli_prints_the_text_and_the_links(config, capsys, monkeypatch):
    """A sync test: the CLI runs its own event loop, as it does from a shell."""
    async def prepare() -> NoticeVersion:
        await open_database(config.database_url)
        try:
            await seed_catalog()
            notices = await publish_county(build_runtime(config))
            donghu = next(n for n in notices if n.region_id and
                          n.draft_content["region"]["name"] == "东湖村"
                          and n.kind == NoticeKind.PAYOUT_VILLAGE)
            return await NoticeVersion.get(notice_id=donghu.id)
        finally:
            await Tortoise.close_connections()

    version = asyncio.run(prepare())
    monkeypatch.setenv("CUNWU_HOME", str(config.home))
    monkeypatch.setenv("CUNWU_DATABASE_URL", config.database_url)
    monkeypatch.setenv("CUNWU_PUBLIC_URL", config.public_url)
    show = ["forward-pack", "show", str(version.notice_id), "--village"]
    assert main([*show, VILLAGE_A]) == 0
    out = capsys.readouterr().out
    assert f"{config.public_url}/n/{version.verify_code}" in out
    assert "/f/" in out and "核验码" in out and "张建国" not in out
    assert main([*show, VILLAGE_B]) == 1
    assert "不是西岗村的公示" in capsys.readouterr().err


@pytest.mark.storage
async def test_a_pack_link_cannot_flood_the_village_with_group_targets(published):
    runtime, version = published
    key = forward_pack.pack_key(runtime.secrets.lookup_key)
    pack = await forward_pack.pack_for_notice(key, version.notice_id, VILLAGE_A, "http://x")
    refused = 0
    for n in range(20):
        try:
            await forward_pack.confirm_forward(key, pack.token, "王文书", f"新群{n}")
        except Conflict as exc:
            refused += 1
            assert "等待确认" in exc.message
    assert refused == 20 - forward_pack.MAX_PENDING_GROUPS
    pending = await ChannelTarget.filter(kind=ChannelKind.WECHAT_GROUP, vetting="pending")
    assert len(pending) == forward_pack.MAX_PENDING_GROUPS
    assert not any(t.active for t in pending)  # no pack rows for later notices


@pytest.mark.storage
@pytest.mark.parametrize(("who", "group"), [
    ("王文书", "13812345678"), ("王文书", "村民群 138 1234 5678"),
    ("13812345678", "东湖村村民群"), ("王文书", f"群{make_id()}"),
])
async def test_names_with_personal_numbers_are_refused(published, who, group):
    runtime, version = published
    key = forward_pack.pack_key(runtime.secrets.lookup_key)
    pack = await forward_pack.pack_for_notice(key, version.notice_id, VILLAGE_A, "http://x")
    with pytest.raises(InvalidInput, match="不能有手机号"):
        await forward_pack.confirm_forward(key, pack.token, who, group)
    assert not await ForwardConfirmation.exists()


@pytest.mark.storage
async def test_check_hides_a_new_group_name_until_staff_confirm_it(published):
    runtime, version = published
    key = forward_pack.pack_key(runtime.secrets.lookup_key)
    pack = await forward_pack.pack_for_notice(key, version.notice_id, VILLAGE_A, "http://x")
    await forward_pack.confirm_forward(key, pack.token, "王文书", "随便起的名字")

    async def shown() -> list[str]:
        row = next(r for r in await consistency_matrix(VILLAGE_A)
                   if r.notice_id == version.notice_id)
        return [c.target for c in row.cells if c.channel == ChannelKind.WECHAT_GROUP]

    assert "随便起的名字" not in await shown() and "待确认的群" in await shown()
    assert [t.name for t in await group_targets.pending_wechat_groups(VILLAGE_A)] == [
        "随便起的名字"]
    confirmed = await group_targets.add_wechat_group(VILLAGE_A, "随便起的名字")
    assert confirmed.active and confirmed.vetting == "confirmed"
    assert "随便起的名字" in await shown()
    assert await group_targets.pending_wechat_groups(VILLAGE_A) == []


@pytest.mark.storage
async def test_a_rejected_group_is_hidden_and_cannot_be_registered_again(published):
    runtime, version = published
    key = forward_pack.pack_key(runtime.secrets.lookup_key)
    pack = await forward_pack.pack_for_notice(key, version.notice_id, VILLAGE_A, "http://x")
    for n in range(forward_pack.MAX_PENDING_GROUPS):
        await forward_pack.confirm_forward(key, pack.token, "王文书", f"乱填{n}")
    for n in range(forward_pack.MAX_PENDING_GROUPS):
        await group_targets.reject_wechat_group(VILLAGE_A, f"乱填{n}")
    with pytest.raises(Conflict, match="不是本村的群"):
        await forward_pack.confirm_forward(key, pack.token, "王文书", "乱填0")
    # Rejecting freed the places: a real new group can be named again.
    await forward_pack.confirm_forward(key, pack.token, "王文书", "东湖村二组群")
    row = next(r for r in await consistency_matrix(VILLAGE_A) if r.notice_id == version.notice_id)
    assert not any("乱填" in c.target for c in row.cells)
    with pytest.raises(NotFound):
        await group_targets.reject_wechat_group(VILLAGE_A, "没有这个群")


def test_cli_lists_and_rejects_pending_groups(config, capsys, monkeypatch):
    async def setup() -> None:
        await open_database(config.database_url)
        try:
            runtime = build_runtime(config)
            await seed_catalog()
            notices = await publish_county(runtime)
            donghu = next(n for n in notices if n.kind == NoticeKind.PAYOUT_VILLAGE
                          and n.draft_content["region"]["name"] == "东湖村")
            key = forward_pack.pack_key(runtime.secrets.lookup_key)
            pack = await forward_pack.pack_for_notice(key, donghu.id, VILLAGE_A, "")
            await forward_pack.confirm_forward(key, pack.token, "王文书", "待核实的群")
        finally:
            await Tortoise.close_connections()

    asyncio.run(setup())
    monkeypatch.setenv("CUNWU_HOME", str(config.home))
    monkeypatch.setenv("CUNWU_DATABASE_URL", config.database_url)
    assert main(["wechat-group", "pending", VILLAGE_A]) == 0
    assert "待核实的群" in capsys.readouterr().out
    assert main(["wechat-group", "reject", VILLAGE_A, "--name", "待核实的群"]) == 0
    assert "已驳回微信群" in capsys.readouterr().out
    assert main(["wechat-group", "pending", VILLAGE_A]) == 0
    assert "没有等待确认的微信群" in capsys.readouterr().out


@pytest.mark.storage
async def test_confirming_the_same_group_twice_records_it_once(published):
    runtime, version = published
    key = forward_pack.pack_key(runtime.secrets.lookup_key)
    pack = await forward_pack.pack_for_notice(key, version.notice_id, VILLAGE_A, "http://x")
    first = await forward_pack.confirm_forward(key, pack.token, "王文书", "东湖村村民群")
    again = await forward_pack.confirm_forward(key, pack.token, "王文书", "东湖村村民群")
    assert again.id == first.id and await ForwardConfirmation.all().count() == 1
    assert await AuditEvent.filter(action="forward_confirm").count() == 1


@pytest.mark.storage
async def test_a_pack_link_records_a_bounded_number_of_confirmations(published, monkeypatch):
    runtime, version = published
    monkeypatch.setattr(forward_pack, "MAX_CONFIRMATIONS", 3)
    key = forward_pack.pack_key(runtime.secrets.lookup_key)
    pack = await forward_pack.pack_for_notice(key, version.notice_id, VILLAGE_A, "http://x")
    for n in range(3):
        await forward_pack.confirm_forward(key, pack.token, f"村民{n}", "东湖村村民群")
    with pytest.raises(Conflict, match="不能再登记"):
        await forward_pack.confirm_forward(key, pack.token, "又一个", "东湖村村民群")
    assert await ForwardConfirmation.all().count() == 3
