"""A clerk drives the official account from the command line: `cunwu digest send` (preview,
send, never twice) and `cunwu mp menu push/show`, against the fake platform on its own port."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.cli.main import main
from bot.fake_wechat import FakeWeChatState, create_fake_wechat_app
from bot.settings import load_config


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def fake_platform() -> Iterator[tuple[FakeWeChatState, str]]:
    """The fake WeChat server in a thread of its own, as a remote platform would be."""
    state, port = FakeWeChatState(), _free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(create_fake_wechat_app(state))
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    started.wait(10)
    yield state, f"http://127.0.0.1:{port}"
    asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_platform) -> FakeWeChatState:
    state, base = fake_platform
    monkeypatch.delenv("CUNWU_DATABASE_URL", raising=False)
    for key, value in {"CUNWU_HOME": str(tmp_path / "var"), "CUNWU_MP_API_BASE": base,
                       "CUNWU_PUBLIC_URL": "http://cunwu.test"}.items():
        monkeypatch.setenv(key, value)
    config = load_config()
    state.add_official_account(config.mp_appid, config.mp_secret)
    state.mp.followers.update({"o1", "o2"})
    return state


def test_a_clerk_previews_then_sends_the_digest_once(env: FakeWeChatState, capsys) -> None:
    assert main(["init", "--demo"]) == 0
    capsys.readouterr()
    assert main(["digest", "send", "--preview"]) == 0
    preview = capsys.readouterr().out
    assert preview.startswith("村务公开日报") and "城关镇" in preview
    assert "http://cunwu.test/n/" in preview and env.mp.publications == []
    assert main(["digest", "send", "--json"]) == 0
    sent = json.loads(capsys.readouterr().out)
    assert sent["state"] == "awaiting_confirmation" and sent["msg_id"]
    assert main(["digest", "send"]) == 0
    assert "不会重复发送" in capsys.readouterr().out
    [mass] = env.mp.publications
    assert mass.how == "mass" and mass.recipients == 2 and str(mass.msg_id) == sent["msg_id"]
    assert main(["digest", "send", "--date", "22-11-2026"]) == 1
    assert "--date" in capsys.readouterr().err


def test_a_clerk_pushes_the_default_menu_and_a_bad_one_is_refused(
        env: FakeWeChatState, tmp_path: Path, capsys) -> None:
    assert main(["mp", "menu", "show"]) == 0
    assert "还没有自定义菜单" in capsys.readouterr().out
    assert main(["mp", "menu", "push"]) == 0
    assert "本村公示" in capsys.readouterr().out
    assert env.mp.menu is not None
    assert [b["name"] for b in env.mp.menu["button"]] == ["本村公示", "核验公告", "更多"]
    assert main(["mp", "menu", "show", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["menu"] == env.mp.menu
    bad = tmp_path / "menu.json"
    bad.write_text(json.dumps({"button": [{"type": "click", "name": "非常非常长的菜单名字",
                                           "key": "x"}]}), encoding="utf-8")
    assert main(["mp", "menu", "push", str(bad)]) == 1
    assert "40018" in capsys.readouterr().err
    bad.write_text("{not json", encoding="utf-8")
    assert main(["mp", "menu", "push", str(bad)]) == 1
    assert "不是有效的 JSON" in capsys.readouterr().err
