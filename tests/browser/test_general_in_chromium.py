"""The demo's general notice (通知公告) on a villager's phone, in headless Chromium."""

from __future__ import annotations

import pytest

from tests.browser.test_pages_in_chromium import ARGS, CHROMIUM, served  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed: browser checks not run"),
]


def test_a_policy_interpretation_reads_in_large_type_with_its_chart_fitted_to_the_phone(
        served):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 360, "height": 780}, device_scale_factor=2)
        page.goto(f"{served}/v/419901100201")
        page.click("text=城乡居民基本医疗保险个人缴费标准的政策解读")
        page.wait_for_load_state("networkidle")
        assert "现行有效" in page.inner_text(".status")
        body = page.inner_text(".body")
        assert "一、缴费标准" in body and "到村委会由村文书协助办理" in body
        pictures = page.eval_on_selector_all(
            "figure img", "es => es.map(e => [e.naturalWidth, e.getBoundingClientRect().right])")
        assert pictures and all(natural > 0 and right <= 360 for natural, right in pictures)
        size = page.eval_on_selector(".body p", "e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 18
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        browser.close()
