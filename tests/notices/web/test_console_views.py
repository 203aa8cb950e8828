"""The console's pages over HTTP: every path a clerk takes, and what a stranger can't do."""

from __future__ import annotations

import re

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from notices.ledgers.models import ColumnMapping, FinancePeriod, PayoutBatch
from notices.web.signin import set_password
from tests.builders import TOWNSHIP, VILLAGE_A, create_county, create_staff, make_id, payout_csv
from tests.notices.lifecycle.test_workflow import ROWS
from tests.notices.web.helpers import PASSWORD, sheet_form, sign_in
from tests.notices.web.test_import_api import FINANCE
from villages.models import Role

pytestmark = pytest.mark.storage
FIELDS = {"township": TOWNSHIP, "program": "耕地地力保护补贴", "year": "2026"}
WARN_SHEET = ("村,户主姓名,身份证号码,面积（亩）,补贴标准,补贴金额\n"
              f"东湖村,张三,{make_id(seq=1)},2,92.5,186.00\n").encode()


@pytest.fixture
async def client(db):
    await create_county()
    for name in ("clerk", "clerk2"):
        await create_staff(name, Role.TOWNSHIP_CLERK, TOWNSHIP)
        await set_password(name, PASSWORD, actor="test")
    app = create_app(db, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as http:
        yield http


def stash_of(html: str) -> str:
    found = re.search(r'name="stash" value="([^"]+)"', html)
    assert found
    return found.group(1)


async def test_the_console_needs_a_signed_in_clerk(client):
    for path in ("/console",):
        response = await client.get(path, allow_redirects=False)
        assert response.status == 302 and response.headers["Location"] == "/console/login"
    response = await client.post("/console/payouts", data=sheet_form(payout_csv(ROWS), **FIELDS),
                                 allow_redirects=False)
    assert response.status == 302
    assert await PayoutBatch.all().count() == 0


async def test_an_upload_without_the_form_token_is_refused(client):
    await sign_in(client, "clerk")
    response = await client.post("/console/payouts", data=sheet_form(payout_csv(ROWS), **FIELDS))
    assert response.status == 403
    assert await PayoutBatch.all().count() == 0


async def test_problems_are_shown_in_a_table_and_nothing_is_stored(client):
    csrf = await sign_in(client, "clerk")
    bad = payout_csv([*ROWS, ("东湖村", "一组", "赵四", "1.00", "<b>abc</b>")])
    response = await client.post("/console/payouts", data=sheet_form(bad, csrf=csrf, **FIELDS))
    html = await response.text()
    assert response.status == 422 and 'id="problems"' in html
    assert "&lt;b&gt;abc&lt;/b&gt;" in html and "<b>abc</b>" not in html  # escaped
    assert await PayoutBatch.all().count() == 0


async def test_warnings_are_accepted_with_one_click_on_the_kept_upload(client):
    csrf = await sign_in(client, "clerk")
    response = await client.post("/console/payouts",
                                 data=sheet_form(WARN_SHEET, csrf=csrf, **FIELDS))
    html = await response.text()
    assert response.status == 422 and "核对无误后点下面的按钮确认" in html
    token = stash_of(html)
    response = await client.post("/console/payouts/confirm", data={
        "csrf": csrf, "stash": token, "accept_warnings": "1"})
    html = await response.text()
    assert response.status == 200 and "已导入为第" in html and "人民币壹佰捌拾陆元整" in html
    assert await PayoutBatch.all().count() == 1
    # The kept upload is gone once used.
    again = await client.post("/console/payouts/confirm", data={
        "csrf": csrf, "stash": token, "accept_warnings": "1"})
    assert again.status == 404 and await PayoutBatch.all().count() == 1


async def test_a_kept_upload_is_only_for_the_clerk_who_sent_it(client):
    csrf = await sign_in(client, "clerk")
    response = await client.post("/console/payouts",
                                 data=sheet_form(WARN_SHEET, csrf=csrf, **FIELDS))
    token = stash_of(await response.text())
    client.session.cookie_jar.clear()
    csrf2 = await sign_in(client, "clerk2")
    response = await client.post("/console/payouts/confirm", data={
        "csrf": csrf2, "stash": token, "accept_warnings": "1"})
    assert response.status == 404
    for bogus in ("../../secrets.json", "x" * 200, ""):
        response = await client.post("/console/payouts/confirm", data={
            "csrf": csrf2, "stash": bogus, "accept_warnings": "1"})
        assert response.status == 404
    assert await PayoutBatch.all().count() == 0


async def test_the_kept_upload_is_encrypted_on_disk(client, db):
    csrf = await sign_in(client, "clerk")
    await client.post("/console/payouts", data=sheet_form(WARN_SHEET, csrf=csrf, **FIELDS))
    files = list((db.home / "uploads").iterdir())
    assert len(files) == 1
    assert make_id(seq=1).encode() not in files[0].read_bytes()
    assert oct(files[0].stat().st_mode & 0o777) == "0o600"


async def test_unknown_columns_are_confirmed_in_a_form_and_remembered(client):
    csrf = await sign_in(client, "clerk")
    sheet = f"行政村名,农户,证件,应发数\n东湖村,张三,{make_id(seq=3)},50.00\n".encode()
    response = await client.post("/console/payouts", data=sheet_form(sheet, csrf=csrf, **FIELDS))
    html = await response.text()
    assert response.status == 422 and 'id="mapping-form"' in html
    response = await client.post("/console/payouts/confirm", data={
        "csrf": csrf, "stash": stash_of(html), "map_0": "village", "map_1": "name",
        "map_2": "id_number", "map_3": "amount"})
    assert response.status == 200 and "已记住本次确认的列对应" in await response.text()
    assert (await ColumnMapping.get()).mapping == {
        "行政村名": "village", "农户": "name", "证件": "id_number", "应发数": "amount"}


async def test_a_finance_ledger_is_imported_from_the_console(client):
    csrf = await sign_in(client, "clerk")
    form = sheet_form(FINANCE, "10月.csv", csrf=csrf, village=VILLAGE_A, period="2026-10",
                      opening="10000.00")
    response = await client.post("/console/finance", data=form)
    html = await response.text()
    assert response.status == 200 and "期末 13,800.00 元" in html
    assert "人民币壹万叁仟捌佰元整" in html
    assert await FinancePeriod.all().count() == 1
    bad = sheet_form(FINANCE, "11月.csv", csrf=csrf, village=VILLAGE_A, period="2026-1x")
    response = await client.post("/console/finance", data=bad)
    assert response.status == 422 and "期间" in await response.text()


async def test_an_oversize_upload_gets_a_page_not_a_crash(client, db):
    csrf = await sign_in(client, "clerk")
    big = b"a" * (db.upload_max_mb * 1024 * 1024 + 1)
    response = await client.post("/console/payouts", data=sheet_form(big, csrf=csrf, **FIELDS))
    assert response.status == 413 and "文件太大" in await response.text()
