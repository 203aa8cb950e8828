"""The JSON import API answers like ``cunwu import … --json``: 422 with every problem and
nothing stored, 201 with the summary; hostile requests get a 4xx, never a 500."""

from __future__ import annotations

from dataclasses import replace

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from notices.ledgers.models import FinancePeriod, PayoutBatch, PayoutRow
from notices.ledgers.payouts.services import ImportSummary
from notices.models import AuditEvent
from notices.web.signin import set_password
from tests.builders import (
    OTHER_TOWNSHIP,
    TOWNSHIP,
    VILLAGE_A,
    create_county,
    create_staff,
    make_id,
    payout_csv,
)
from tests.notices.lifecycle.test_workflow import ROWS
from tests.notices.web.helpers import PASSWORD, sheet_form, sign_in
from villages.models import Role

pytestmark = pytest.mark.storage
FIELDS = {"township": TOWNSHIP, "program": "耕地地力保护补贴", "year": "2026"}
FINANCE = ("日期,凭证号,摘要,类别,收入,支出,经手人,审批人\n"
           "2026-10-08,记-01,收到土地流转费,各项收入,5000.00,,张会计,李书记\n"
           "2026-10-20,记-02,支付保洁工资,各项支出,,1200.00,张会计,李书记\n").encode()


@pytest.fixture
async def client(db):
    await create_county()
    await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    await set_password("clerk", PASSWORD, actor="test")
    config = replace(db, upload_max_mb=1)
    app = create_app(config, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as http:
        yield http


async def _post(client, path, form, csrf):
    return await client.post(path, data=form, headers={"X-CSRF-Token": csrf})


async def test_a_good_sheet_is_stored_and_answered_with_the_cli_summary(client):
    csrf = await sign_in(client, "clerk")
    response = await _post(client, "/api/import/payouts",
                           sheet_form(payout_csv(ROWS, total="1919.38"), **FIELDS), csrf)
    assert response.status == 201
    body = await response.json()
    assert set(body) == set(ImportSummary.__dataclass_fields__)  # the CLI's --json document
    assert (body["rows"], body["households"], body["total_fen"]) == (3, 3, 191938)
    assert {v["name"]: v["total_fen"] for v in body["villages"]} == {
        "东湖村": 124875, "西岗村": 67063}
    batch = await PayoutBatch.get(id=body["batch_id"])
    assert batch.total_fen == 191938 and batch.created_by_id is not None
    assert (await AuditEvent.get(action="import_payouts")).actor == "clerk"


async def test_the_payout_date_given_in_the_form_is_kept_on_the_batch(client):
    csrf = await sign_in(client, "clerk")
    form = sheet_form(payout_csv(ROWS, total="1919.38"), **FIELDS, paid_on="2026-10-9")
    response = await _post(client, "/api/import/payouts", form, csrf)
    assert response.status == 201
    batch = await PayoutBatch.get(id=(await response.json())["batch_id"])
    assert batch.paid_on == "2026-10-09"


async def test_a_dry_run_answers_200_and_stores_nothing(client):
    csrf = await sign_in(client, "clerk")
    response = await _post(client, "/api/import/payouts",
                           sheet_form(payout_csv(ROWS), dry_run="1", **FIELDS), csrf)
    assert response.status == 200 and (await response.json())["dry_run"] is True
    assert await PayoutBatch.all().count() == 0


async def test_a_bad_sheet_answers_422_with_every_problem_and_stores_nothing(client):
    csrf = await sign_in(client, "clerk")
    bad = payout_csv([*ROWS, ("东湖村", "一组", "赵四", "1.00", "-5.00"),
                      ("南山村", "一组", "钱五", "1.00", "5.00")])
    response = await _post(client, "/api/import/payouts", sheet_form(bad, **FIELDS), csrf)
    assert response.status == 422
    body = await response.json()
    assert body["error"] == "invalid_input" and "未导入任何数据" in body["message"]
    problems = body["details"]["problems"]
    assert {p["row"] for p in problems} == {6, 7}
    assert all({"sheet", "row", "column", "value", "message"} <= set(p) for p in problems)
    assert await PayoutBatch.all().count() == 0 and await PayoutRow.all().count() == 0


async def test_warnings_need_accepting_explicitly(client):
    csrf = await sign_in(client, "clerk")
    header = "村,村民小组,户主姓名,身份证号码,面积（亩）,补贴标准,补贴金额（元）\n"
    text = header + f"东湖村,一组,张建国,{make_id(seq=1)},10,92.5,925.00\n" + \
        f"东湖村,一组,李秀英,{make_id(seq=2)},2,92.5,186.00\n"
    response = await _post(client, "/api/import/payouts",
                           sheet_form(text.encode(), **FIELDS), csrf)
    assert response.status == 422
    body = await response.json()
    assert body["details"]["problems"] == [] and len(body["details"]["warnings"]) == 1
    assert "--accept-warnings" in body["message"]
    response = await _post(client, "/api/import/payouts",
                           sheet_form(text.encode(), accept_warnings="1", **FIELDS), csrf)
    assert response.status == 201 and len((await response.json())["warnings"]) == 1


async def test_finance_ledgers_import_through_the_api(client):
    csrf = await sign_in(client, "clerk")
    form = sheet_form(FINANCE, "10月.csv", village=VILLAGE_A, period="2026-10",
                      opening="10000.00")
    response = await _post(client, "/api/import/finance", form, csrf)
    assert response.status == 201, await response.text()
    body = await response.json()
    assert (body["income_fen"], body["expense_fen"], body["closing_fen"]) == (
        500000, 120000, 1380000)
    assert await FinancePeriod.all().count() == 1
    no_opening = sheet_form(FINANCE, "11月.csv", village=VILLAGE_A, period="2026-12")
    response = await _post(client, "/api/import/finance", no_opening, csrf)
    assert response.status == 422


async def test_without_a_session_the_api_answers_401(client):
    response = await client.post("/api/import/payouts", data=sheet_form(payout_csv(ROWS),
                                                                        **FIELDS))
    assert response.status == 401
    assert (await response.json())["error"] == "not_signed_in"


async def test_without_the_csrf_token_the_api_answers_403(client):
    await sign_in(client, "clerk")
    response = await client.post("/api/import/payouts",
                                 data=sheet_form(payout_csv(ROWS), **FIELDS))
    assert response.status == 403
    response = await _post(client, "/api/import/payouts", sheet_form(payout_csv(ROWS),
                                                                     **FIELDS), "x" * 32)
    assert response.status == 403
    assert await PayoutBatch.all().count() == 0


async def test_a_declared_oversize_body_is_refused_before_it_is_read(client):
    csrf = await sign_in(client, "clerk")
    response = await client.post("/api/import/payouts", data=b"x" * 10, headers={
        "X-CSRF-Token": csrf, "Content-Type": "multipart/form-data; boundary=zz",
        "Content-Length": str(5 * 1024 * 1024)})
    assert response.status == 413


async def test_an_oversize_file_is_cut_off_while_streaming(client):
    csrf = await sign_in(client, "clerk")

    async def chunks():
        yield b"--zz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n"
        for _ in range(40):
            yield b"a" * 65536
        yield b"\r\n--zz--\r\n"

    response = await client.post("/api/import/payouts", data=chunks(), headers={
        "X-CSRF-Token": csrf, "Content-Type": "multipart/form-data; boundary=zz"})
    assert response.status == 413
    assert "上限 1 MB" in (await response.json())["message"]


HOSTILE = [
    ("not multipart", None, {"Content-Type": "application/json"}, b'{"file": "x"}'),
    ("garbage multipart", None, {"Content-Type": "multipart/form-data; boundary=zz"},
     b"--zz\r\nnonsense\r\n\r\n\xff\xfe--"),
    ("no boundary", None, {"Content-Type": "multipart/form-data"}, b"abc"),
    ("no file", {**FIELDS}, None, None),
    ("empty file", {**FIELDS, "__file": b""}, None, None),
    ("png renamed xlsx", {**FIELDS, "__file": b"\x89PNG\r\n\x1a\n" + b"\0" * 100,
                          "__name": "清册.xlsx"}, None, None),
    ("zip garbage", {**FIELDS, "__file": b"PK\x03\x04" + b"\0" * 200, "__name": "a.xlsx"},
     None, None),
    ("year text", {**FIELDS, "year": "二〇二六"}, None, None),
    ("year missing", {"township": TOWNSHIP, "program": "x"}, None, None),
    ("year huge", {**FIELDS, "year": "9" * 40}, None, None),
    ("township missing", {"program": "x", "year": "2026"}, None, None),
    ("township bogus", {**FIELDS, "township": "'; drop table staff;--"}, None, None),
    ("township other", {**FIELDS, "township": OTHER_TOWNSHIP}, None, None),
    ("village as township", {**FIELDS, "township": VILLAGE_A}, None, None),
    ("program empty", {**FIELDS, "program": "  "}, None, None),
    ("period bad", {**FIELDS, "period": "2026-99"}, None, None),
    ("paid_on bad", {**FIELDS, "paid_on": "2026-02-30"}, None, None),
    ("paid_on markup", {**FIELDS, "paid_on": "<img src=x onerror=alert(1)>"}, None, None),
    ("paid_on long", {**FIELDS, "paid_on": "2026-10-" + "9" * 5000}, None, None),
    ("replace bogus", {**FIELDS, "replace": "-1"}, None, None),
    ("replace missing batch", {**FIELDS, "replace": "12345"}, None, None),
    ("map bad", {**FIELDS, "map": "亩数"}, None, None),
    ("map unknown field", {**FIELDS, "map": "亩数=土地"}, None, None),
    ("long field", {**FIELDS, "program": "项" * 5000}, None, None),
    ("binary field", {**FIELDS, "program": b"\xff\xfe\xfd"}, None, None),
    ("formula text", {**FIELDS, "__file": "村,户主姓名,身份证号码,补贴金额\n=cmd|' /C calc'!A0,"
                                "张三,1,2\n".encode()}, None, None),
]


@pytest.mark.filterwarnings("ignore:In v4, passing bytes:DeprecationWarning")  # binary field
@pytest.mark.parametrize(("label", "fields", "headers", "raw"), HOSTILE,
                         ids=[h[0] for h in HOSTILE])
async def test_hostile_requests_get_a_clear_4xx_and_store_nothing(client, label, fields,
                                                                  headers, raw):
    csrf = await sign_in(client, "clerk")
    if raw is not None:
        response = await client.post("/api/import/payouts", data=raw,
                                     headers={"X-CSRF-Token": csrf, **headers})
    else:
        form = FormData()
        for key, value in fields.items():
            if not key.startswith("__"):
                form.add_field(key, value)
        if label != "no file":
            form.add_field("file", fields.get("__file", payout_csv(ROWS)),
                           filename=fields.get("__name", "清册.csv"),
                           content_type="application/octet-stream")
        response = await _post(client, "/api/import/payouts", form, csrf)
    assert 400 <= response.status < 500, (label, response.status, await response.text())
    body = await response.json()
    assert body["message"] and "Traceback" not in body["message"]
    assert await PayoutBatch.all().count() == 0


async def test_a_path_in_the_file_name_is_dropped(client):
    csrf = await sign_in(client, "clerk")
    form = sheet_form(payout_csv(ROWS), "..\\..\\etc/passwd.csv", **FIELDS)
    response = await _post(client, "/api/import/payouts", form, csrf)
    assert response.status == 201
    batch = await PayoutBatch.get(id=(await response.json())["batch_id"])
    assert batch.source_filename == "passwd.csv"


async def test_a_script_imports_with_its_api_token_and_no_csrf(client):
    from notices.web.signin import issue_api_token

    token = await issue_api_token("clerk", actor="admin")
    form = sheet_form(payout_csv(ROWS), **FIELDS)
    response = await client.post("/api/import/payouts", data=form,
                                 headers={"Authorization": f"Bearer {token}"})
    assert response.status == 201
    assert (await AuditEvent.get(action="import_payouts")).actor == "clerk"
    newer = await issue_api_token("clerk", actor="admin")  # the old one stops working
    for bad in (token, "cw_forged", "x" * 500, ""):
        response = await client.post("/api/import/payouts",
                                     data=sheet_form(payout_csv(ROWS), **FIELDS),
                                     headers={"Authorization": f"Bearer {bad}"})
        assert response.status == 401
    assert newer != token and await PayoutBatch.all().count() == 1


async def test_an_upload_while_every_unpacking_turn_is_taken_gets_503_in_chinese(
        client, monkeypatch):
    from notices.ledgers.spreadsheet import guard as sheet_guard

    csrf = await sign_in(client, "clerk")
    monkeypatch.setattr(sheet_guard, "BUSY_WAIT_S", 0.1)
    held = [sheet_guard.unpacking_slot() for _ in range(sheet_guard.SHEETS_AT_ONCE)]
    for slot in held:
        slot.__enter__()
    try:
        response = await _post(client, "/api/import/payouts",
                               sheet_form(payout_csv(ROWS, total="1919.38"), **FIELDS), csrf)
    finally:
        for slot in held:
            slot.__exit__(None, None, None)
    assert response.status == 503
    body = await response.json()
    assert "请过一两分钟再上传" in body["message"]
    assert await PayoutBatch.all().count() == 0
