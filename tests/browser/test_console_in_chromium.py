"""A township clerk in headless Chromium: signs in, uploads a bad payout sheet, reads every
problem in the table, uploads the fixed sheet, accepts a warning, reads the summary with the
total in 大写; a sheet with unknown columns is mapped once. Screenshots go to
$CUNWU_SCREENSHOTS (default: the test's tmp dir) to be looked at."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from bot.demo.county import DEMO_PASSWORD
from tests.browser.test_pages_in_chromium import ARGS, CHROMIUM, served  # noqa: F401
from tests.builders import make_id

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="no chromium installed: browser checks not run"),
]
HEADER = ["村", "村民小组", "户主姓名", "身份证号码", "面积（亩）", "补贴标准", "补贴金额（元）"]


def sheet(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["城关镇2026年农机购置补贴发放清册"])
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(out.getvalue().encode("utf-8-sig"))
    return path


def wrong_check_digit(id_number: str) -> str:
    return id_number[:-1] + ("1" if id_number[-1] != "1" else "2")


def shots_dir(tmp_path: Path) -> Path:
    where = Path(os.environ.get("CUNWU_SCREENSHOTS", tmp_path / "shots"))
    where.mkdir(parents=True, exist_ok=True)
    return where


def test_a_clerk_fixes_a_sheet_from_the_problem_table_and_imports_it(served, tmp_path):  # noqa: F811
    from playwright.sync_api import sync_playwright

    shots = shots_dir(tmp_path)
    good_id, other_id = make_id(seq=801), make_id(seq=802)
    bad = sheet(tmp_path / "bad.csv", [
        ["东湖村", "一组", "张建国", good_id, "10", "92.50", "925.00"],
        ["东湖村", "二组", "李秀英", wrong_check_digit(make_id(seq=803)), "2", "92.50", "185.00"],
        ["东胡村", "一组", "王志强", other_id, "1", "92.50", "92.50"],             # no such village
        ["西岗村", "一组", "赵四", make_id(seq=804), "1", "92.50", "-92.50"],      # negative
    ])
    fixed = sheet(tmp_path / "fixed.csv", [
        ["东湖村", "一组", "张建国", good_id, "10", "92.50", "925.00"],
        ["东湖村", "二组", "李秀英", make_id(seq=803), "2", "92.50", "185.00"],
        ["西岗村", "一组", "王志强", other_id, "1", "92.50", "92.60"],             # warning
    ])
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, "--lang=zh-CN"])
        page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="zh-CN")
        page.goto(f"{served}/console")
        assert page.url.endswith("/console/login")
        page.fill("#name", "clerk100")
        page.fill("#password", "not-the-password")
        page.click("button[type=submit]")
        assert "用户名或密码不对" in page.inner_text(".error")
        page.fill("#name", "clerk100")
        page.fill("#password", DEMO_PASSWORD)
        page.screenshot(path=str(shots / "console-login.png"))
        page.click("button[type=submit]")
        assert "城关镇经办人" in page.inner_text("header")
        size = page.eval_on_selector("body", "e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 20
        page.screenshot(path=str(shots / "console-home.png"), full_page=True)

        def upload(path: Path) -> None:
            page.goto(f"{served}/console")
            page.fill("#program", "农机购置补贴")
            page.set_input_files("#payout-file", str(path))
            page.click("#payout-form button[type=submit]")

        upload(bad)
        assert "未导入任何数据" in page.inner_text(".error")
        rows = page.locator("#problems tbody tr").all_inner_texts()
        text = "\n".join(rows)
        assert len(rows) == 3
        assert "校验" in text and "东胡村" in text and "东湖村" in text  # suggests the name
        assert "不能为负" in text
        assert good_id not in page.content()  # IDs are masked in the report
        page.screenshot(path=str(shots / "console-problems.png"), full_page=True)

        upload(fixed)
        assert "提醒" in page.inner_text(".warning")
        assert "92.60" in page.inner_text("#warnings") or "92.5" in page.inner_text("#warnings")
        page.screenshot(path=str(shots / "console-warnings.png"), full_page=True)
        page.click("#accept-form button[type=submit]")
        done = page.inner_text(".done")
        assert "已导入为第" in done
        assert "3 行，3 户，合计 1,202.60 元" in page.inner_text(".card")
        assert page.inner_text("#total-words") == "人民币壹仟贰佰零贰元陆角"
        villages = page.locator("#villages tbody tr").all_inner_texts()
        assert len(villages) == 2 and "东湖村" in villages[0]
        page.screenshot(path=str(shots / "console-summary.png"), full_page=True)

        # Same file again as a correction of that batch: a new revision, not a duplicate.
        batch = done.split("第")[1].split("号")[0]
        page.goto(f"{served}/console")
        page.fill("#program", "农机购置补贴")
        page.select_option("#replace", batch)
        page.set_input_files("#payout-file", str(fixed))
        page.click("#payout-form button[type=submit]")
        page.click("#accept-form button[type=submit]")
        assert f"已更正第{batch}号批次（第2版）" in page.inner_text(".done")

        page.click("header button")  # 退出登录
        assert page.url.endswith("/console/login")
        browser.close()


def test_a_clerk_confirms_unknown_columns_once(served, tmp_path):  # noqa: F811
    from playwright.sync_api import sync_playwright

    shots = shots_dir(tmp_path)
    odd = ["行政村名", "农户", "证件", "应发数"]
    first = sheet(tmp_path / "odd1.csv", [["东湖村", "张建国", make_id(seq=901), "50.00"]], odd)
    second = sheet(tmp_path / "odd2.csv", [["西岗村", "李秀英", make_id(seq=902), "60.00"]], odd)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, "--lang=zh-CN"])
        page = browser.new_page(viewport={"width": 1100, "height": 900}, locale="zh-CN")
        page.goto(f"{served}/console/login")
        page.fill("#name", "clerk100")
        page.fill("#password", DEMO_PASSWORD)
        page.click("button[type=submit]")

        def upload(path: Path, program: str) -> None:
            page.goto(f"{served}/console")
            page.fill("#program", program)
            page.set_input_files("#payout-file", str(path))
            page.click("#payout-form button[type=submit]")

        upload(first, "生态公益林补偿")
        form = page.locator("#mapping-form")
        for header, label in zip(odd, ["村", "姓名", "身份证号码", "金额"], strict=True):
            form.get_by_label(header).select_option(label=label)
        page.screenshot(path=str(shots / "console-mapping.png"), full_page=True)
        page.click("#mapping-form button[type=submit]")
        assert "已导入为第" in page.inner_text(".done")
        assert "已记住本次确认的列对应" in page.inner_text(".card")

        upload(second, "高龄津贴")  # the same layout: no questions this time
        assert "已导入为第" in page.inner_text(".done")
        browser.close()
