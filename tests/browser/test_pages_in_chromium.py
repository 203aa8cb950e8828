"""The pages as a villager's phone shows them, in headless Chromium (Debian's chromium).

Skipped, saying so, where no chromium is installed; `.ci/run` installs it.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiohttp import web

from bot.app import create_app
from bot.cli.main import main
from bot.settings import load_config

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed: browser checks not run"),
]
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The demo county served by the real app on a loopback port, in a background thread."""
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    monkeypatch.setenv("CUNWU_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("CUNWU_PUBLIC_URL", base)
    monkeypatch.delenv("CUNWU_DATABASE_URL", raising=False)
    assert main(["init", "--demo"]) == 0
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    ready = threading.Event()

    async def serve() -> None:
        # Setup and start in one task, as web.run_app does: the ORM's context (a
        # contextvar) must be visible to the tasks that serve requests.
        runner = web.AppRunner(create_app(load_config(), with_worker=False))
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        ready.set()
        await stop.wait()
        await runner.cleanup()

    thread = threading.Thread(target=loop.run_until_complete, args=(serve(),), daemon=True)
    thread.start()
    assert ready.wait(30)
    yield base
    loop.call_soon_threadsafe(stop.set)
    thread.join(10)
    loop.close()


def test_a_villager_opens_the_qr_page_reads_large_type_and_finds_no_full_names(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 412, "height": 900}, device_scale_factor=2)
        page.goto(f"{served}/v/419901100201")
        page.click("text=关于2026年耕地地力保护补贴发放情况的公示")
        assert "现行有效" in page.inner_text(".status")
        body = page.inner_text("body")
        assert "核验码" in body and "人民币" in body
        names = page.locator("tbody td:nth-child(2)").all_inner_texts()
        assert names and all("*" in name for name in names)      # masked online
        size = page.eval_on_selector("tbody td", "e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 18                                          # elderly readers
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 412                                        # no sideways scrolling
        page.fill("textarea[name=text]", "我家面积是8亩")
        page.fill("input[name=contact]", "13912345678")
        page.click("button[type=submit]")
        assert "已收到" in page.inner_text("body") and "13912345678" not in page.content()
        browser.close()


def test_a_villager_reads_the_finance_disclosure_on_a_phone_without_scrolling_sideways(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 360, "height": 780}, device_scale_factor=2)
        page.goto(f"{served}/v/419901100201")
        page.click("text=东湖村2026年10月财务收支公开")
        assert "现行有效" in page.inner_text(".status")
        body = page.inner_text("body")
        assert "期末余额" in body and "村务监督委员会审核意见" in body and "人民币" in body
        assert "期初" in body and "= 期末" in body
        entries = page.locator("ul.plain li").all_inner_texts()
        assert len(entries) >= 10 and all("经手人" in e and "审批人" in e for e in entries)
        size = page.eval_on_selector("ul.plain li", "e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 18
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        browser.close()


def test_a_cadre_opens_the_forward_pack_copies_and_confirms_on_a_phone(served, capsys):
    import json

    from playwright.sync_api import sync_playwright

    assert main(["forward-pack", "show", "1", "--village", "419901100201", "--json"]) == 0
    pack = json.loads(capsys.readouterr().out)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        blocked: list[str] = []
        page.on("console", lambda m: blocked.append(m.text)
                if "Content Security Policy" in m.text else None)
        page.goto(pack["pack_page"])
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways
        # The copy buttons' script (a static file: the CSP forbids inline script) runs.
        page.locator("button.copy").first.click()
        page.wait_for_function(
            "document.querySelector('button.copy').textContent.includes('已复制')")
        size = page.eval_on_selector("#pack-text", "e => getComputedStyle(e).fontSize")
        assert float(size.removesuffix("px")) >= 18  # large type for the cadre
        assert page.inner_text("#pack-text") == pack["text"]
        assert page.eval_on_selector("img.long", "e => e.naturalWidth") > 0  # image loads
        page.fill("#who", "王文书")
        page.fill("#group", "东湖村村民群")
        page.click("text=我已转发到这个群")
        page.wait_for_selector(".done")
        assert "王文书 转发到“东湖村村民群”" in page.inner_text(".done")
        page.reload()  # post/redirect/get: a reload records nothing twice
        assert page.locator("ul.plain li").count() == 1
        assert blocked == []  # nothing on the page was refused by the CSP
        browser.close()
