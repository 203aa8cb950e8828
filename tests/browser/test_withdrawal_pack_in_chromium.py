"""The cadre's withdrawal pack on a phone, in headless Chromium: the short 【撤回】 text, no
image of the withdrawn list, a confirm per group. Skipped where no chromium is installed."""

from __future__ import annotations

import json
import os

from bot.cli.main import main
from tests.browser.test_pages_in_chromium import ARGS, CHROMIUM, pytestmark, served

__all__ = ["pytestmark", "served"]
VILLAGE = "419901100201"


def test_a_cadre_tells_each_group_of_a_withdrawal_on_a_phone(served, capsys):
    from playwright.sync_api import sync_playwright

    assert main(["forward-pack", "show", "1", "--village", VILLAGE, "--json"]) == 0
    pack = json.loads(capsys.readouterr().out)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(pack["pack_page"])  # v1 was forwarded into the villagers' group
        page.fill("#who", "王文书")
        page.fill("#group", "东湖村村民群")
        page.click("text=我已转发到这个群")
        page.wait_for_selector(".done")
        browser.close()

    # The CLI runs its own event loop: outside Playwright's.
    assert main(["notice", "withdraw", "1", "--reason", "名单重复导入，整批作废",
                 "--as", "reviewer100"]) == 0
    capsys.readouterr()
    assert main(["forward-pack", "show", "1", "--village", VILLAGE, "--json"]) == 0
    withdrawal = json.loads(capsys.readouterr().out)
    assert withdrawal["withdrawn"] and withdrawal["groups_to_tell"] == ["东湖村村民群"]
    assert "/fw/" in withdrawal["pack_page"]

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(withdrawal["pack_page"])
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.inner_text("#pack-text") == withdrawal["text"]
        assert "【撤回】" in withdrawal["text"] and "名单重复导入" in withdrawal["text"]
        assert page.locator("img").count() == 0  # the withdrawn list is not spread further
        size = page.eval_on_selector("#pack-text", "e => getComputedStyle(e).fontSize")
        assert float(size.removesuffix("px")) >= 18
        assert page.input_value("#group") == "东湖村村民群"  # the group still to tell
        if shot := os.environ.get("CUNWU_SCREENSHOT"):
            page.screenshot(path=shot, full_page=True)
        page.fill("#who", "王文书")
        page.click("text=我已把撤回通知发到这个群")
        page.wait_for_selector(".done")
        assert "已告知“东湖村村民群”" in page.inner_text(".done")
        assert "✔ 已告知 · 东湖村村民群" in page.inner_text("ul.groups")
        page.goto(withdrawal["link"])
        assert "此公示已撤回" in page.inner_text(".status")
        browser.close()
