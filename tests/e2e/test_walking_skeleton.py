"""The whole path as a new user runs it: `cunwu init --demo`, then the served app's worker
delivers every village's notice to its WeCom group robot on the fake WeChat server."""

from __future__ import annotations

import asyncio
import json
import socket
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from bot.app import create_app
from bot.cli.main import main
from bot.db import close_database, open_database
from bot.fake_wechat import FAKE_STATE
from bot.settings import load_config, load_secrets
from notices.delivery.forward_pack import pack_key, sign
from notices.models import Delivery, DeliveryState, NoticeVersion
from tests.builders import make_id
from villages.models import ChannelKind


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def demo_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    port = _free_port()
    env = {"CUNWU_HOME": str(tmp_path / "var"), "CUNWU_PORT": str(port),
           "CUNWU_PUBLIC_URL": f"http://127.0.0.1:{port}", "CUNWU_WORKER_INTERVAL": "1",
           "CUNWU_GROUP_POLL": "1", "CUNWU_DEMO": "1",
           "CUNWU_DIGEST_TIME": "off"}  # the served app must not send a digest mid-test
    monkeypatch.delenv("CUNWU_DATABASE_URL", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def test_demo_publishes_and_every_village_group_receives_card_and_pdf(demo_env, capsys):
    assert main(["init", "--demo", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["demo"]["published"] >= 12
    assert result["demo"]["finance_periods"] == 3
    assert main(["finance", "show", "--village", "419901100201", "--period", "2026-10",
                 "--json"]) == 0
    ledger = json.loads(capsys.readouterr().out)
    assert ledger["closing_fen"] == (ledger["opening_fen"] + ledger["income_fen"]
                                     - ledger["expense_fen"])
    assert ledger["signed_off_by"] == "supervisor201" and ledger["entries"]
    # Idempotent: a second run publishes nothing new.
    assert main(["init", "--demo", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["demo"]["published"] == 0
    # Nothing delivered yet: the matrix says so and the command exits 1.
    assert main(["check", "consistency", "--json"]) == 1
    pending = json.loads(capsys.readouterr().out)
    assert not pending["consistent"]
    asyncio.run(_serve_and_check(int(demo_env["CUNWU_PORT"])))
    assert main(["check", "consistency", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["consistent"]
    assert main(["audit", "verify", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["intact"]


def test_an_objection_by_phone_is_recorded_listed_and_answered(demo_env, capsys):
    assert main(["init", "--demo"]) == 0
    capsys.readouterr()
    assert main(["notice", "show", "1", "--json"]) == 0
    code = json.loads(capsys.readouterr().out)["verify_code"]
    id_number = make_id()   # what a villager typed into the objection, in full
    assert main(["objection", "add", code, "--text", f"我家面积是8亩，公示7亩，身份证{id_number}",
                 "--contact", "139 1234 5678", "--json"]) == 0
    added = json.loads(capsys.readouterr().out)
    number = added["number"]
    assert len(added["receipt"]) == 19 and added["url"].endswith(added["receipt"].replace("-", ""))
    assert main(["objection", "list", "--village", "419901100201", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [o["number"] for o in listed] == [number] and "13912345678" not in json.dumps(listed)
    assert id_number not in json.dumps(listed) and id_number[-4:] in listed[0]["text"]
    assert main(["objection", "list"]) == 0
    assert id_number not in capsys.readouterr().out
    assert main(["objection", "reveal", number, "--reason", "电话答复村民",
                 "--as", "clerk100"]) == 0
    revealed = capsys.readouterr().out
    assert id_number in revealed and "13912345678" in revealed
    assert main(["objection", "answer", number, "--text", "已到田里复核，面积7亩无误",
                 "--outcome", "not_upheld", "--as", "reviewer100"]) == 0
    assert "已答复" in capsys.readouterr().out
    assert main(["objection", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


async def _serve_and_check(port: int) -> None:
    config = load_config()
    app = create_app(config)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        await _wait_for_deliveries()
        fake = next(sub[FAKE_STATE] for sub in _subapps(app))
        versions = await NoticeVersion.all().prefetch_related("deliveries__target")
        store = config.files_dir
        async with aiohttp.ClientSession() as http:
            for version in versions:
                code = version.verify_code
                for delivery in version.deliveries:
                    if delivery.target.kind != ChannelKind.WECOM_ROBOT:
                        continue  # customer groups and forward packs wait for their cadre
                    received = fake.messages(delivery.target.address)
                    card = next(m for m in received if m.msgtype == "markdown"
                                and f"{code[:4]}-{code[4:]}" in m.content)
                    assert version.content["title"] in card.content
                    files = [m for m in received if m.msgtype == "file"]
                    assert any(m.data == (store / version.pdf_file).read_bytes() for m in files)
                async with http.get(f"http://127.0.0.1:{port}/n/{code}") as page:
                    html = await page.text()
                    assert page.status == 200 and "现行有效" in html
                if version.content["kind"] == "payout_village":
                    for row in version.content["rows"]:
                        assert f"<td>{row['name']}</td>" not in html  # names masked online
            async with http.get(f"http://127.0.0.1:{port}/n/NOSUCHCODE") as missing:
                assert missing.status == 404 and "核验码" in await missing.text()
            await _cadre_confirms_groups(http, port, fake, config)
        await _wait_for_deliveries(awaiting_ok=False)
    finally:
        await runner.cleanup()


def _subapps(app: web.Application):
    for resource in app.router.resources():
        sub = getattr(resource, "_app", None)
        if sub is not None and FAKE_STATE in sub:
            yield sub


async def _cadre_confirms_groups(http: aiohttp.ClientSession, port: int, fake, config) -> None:
    """The village cadre taps send on the customer-group task and confirms the forward pack."""
    base = f"http://127.0.0.1:{port}"
    assert fake.groups.tasks, "the demo village's customer-group task was not created"
    for msgid in list(fake.groups.tasks):
        async with http.post(f"{base}/_fake/wechat/dev/customer-groups/{msgid}/send",
                             headers={"Accept": "application/json"}) as tapped:
            assert tapped.status == 200
    key = pack_key(load_secrets(config.home).lookup_key)
    packs = await Delivery.filter(target__kind=ChannelKind.WECHAT_GROUP).prefetch_related(
        "target")
    assert packs
    for delivery in packs:
        token = sign(key, delivery.version_id, delivery.target.region_id)
        async with http.post(f"{base}/f/{token}/confirm",
                             data={"who": "村文书", "group": delivery.target.name}) as done:
            assert done.status == 200


async def _wait_for_deliveries(awaiting_ok: bool = True) -> None:
    done = {DeliveryState.DELIVERED}
    if awaiting_ok:
        done.add(DeliveryState.AWAITING_CONFIRMATION)
    for _ in range(100):
        states = {d.state for d in await Delivery.all()}
        if states <= done:
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"deliveries not done: {states}")


def test_refused_actions_exit_1_with_a_clear_message(demo_env, capsys, tmp_path):
    assert main(["init"]) == 0
    assert main(["notice", "list"]) == 0
    assert main(["notice", "approve", "1"]) == 1
    assert "cunwu regions import" in capsys.readouterr().err
    regions = tmp_path / "regions.csv"
    regions.write_text("code,name\n419901000000,青禾县\n419901100000,城关镇\n", "utf-8")
    assert main(["regions", "import", str(regions)]) == 0
    capsys.readouterr()
    assert main(["notice", "approve", "999"]) == 1
    assert "没有编号为 999 的公示" in capsys.readouterr().err
    assert main(["verify", "ZZZZ-ZZZZ", "--json"]) == 1
    out = json.loads(capsys.readouterr().out)
    assert out["error"] == "not_found"


async def test_database_opens_twice_without_changes(demo_env):
    config = load_config()
    await open_database(config.database_url)
    await close_database()
    await open_database(config.database_url)
    await close_database()
