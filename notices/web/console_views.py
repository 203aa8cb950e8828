"""The township clerk's import console: sign in, upload a payout sheet or a finance ledger,
see every problem in one table, fix and re-upload, accept warnings, confirm unknown columns,
read the summary. Thin: parse, call the services, render."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web

from notices.ledgers.payouts.header import match_header, normalise_header
from notices.web import console_data as present
from notices.web.forms import read_form
from notices.web.import_api import (
    CIPHER,
    MAX_BYTES,
    payout_options,
    run_finance_import,
    run_payout_import,
)
from notices.web.responses import render
from notices.web.session import (
    LOGIN_CSRF_COOKIE,
    SECURE,
    check_csrf,
    check_login_csrf,
    clear_session_cookie,
    client_address,
    current_session,
    login_csrf,
    require_session,
    set_session_cookie,
)
from notices.web.signin import log_in, log_out
from notices.web.upload_stash import UploadStash
from notices.web.uploads import read_upload
from villages.auth_models import StaffSession
from villages.errors import CunwuError
from villages.models import Staff

STASH = web.AppKey("upload_stash", UploadStash)
HOURS = web.AppKey("session_hours", int)
_SMALL_FORM_LIMIT = 4096  # sign-in, sign-out
_CONFIRM_FORM_LIMIT = 16 * 1024  # a column choice per header of the sheet


def setup(app: web.Application, runtime: Any) -> None:
    app[STASH] = UploadStash(runtime.config.home / "uploads", runtime.cipher)
    app[HOURS] = runtime.config.session_hours
    app[SECURE] = runtime.config.public_url.startswith("https://")
    app.router.add_get("/console/login", login_page, name="console_login")
    app.router.add_post("/console/login", login_submit)
    app.router.add_post("/console/logout", logout)
    app.router.add_get("/console", home, name="console")
    app.router.add_post("/console/payouts", payouts_upload)
    app.router.add_post("/console/payouts/confirm", payouts_confirm)
    app.router.add_post("/console/finance", finance_upload)


def _page(name: str, session: StaffSession | None, context: dict[str, Any],
          status: int = 200) -> web.Response:
    staff = session.staff if session else None
    return render(name, {"me": staff, "csrf": session.csrf_token if session else "",
                         "role_zh": present.ROLE_ZH.get(staff.role, "") if staff else "",
                         **context}, status=status)


# --- signing in and out ----------------------------------------------------------------------


async def login_page(request: web.Request, *, message: str = "", status: int = 200,
                     name: str = "") -> web.Response:
    if status == 200 and await current_session(request):
        raise web.HTTPFound("/console")
    cookies: dict[str, str] = {}
    token = login_csrf(request, cookies)
    response = _page("console_login.html", None,
                     {"login_csrf": token, "message": message, "name": name}, status)
    for key, value in cookies.items():
        response.set_cookie(key, value, httponly=True, samesite="Lax", path="/console",
                            secure=request.app.get(SECURE, False))
    return response


async def login_submit(request: web.Request) -> web.Response:
    form = await read_form(request, _SMALL_FORM_LIMIT)
    name, password = str(form.get("name", ""))[:50], str(form.get("password", ""))[:200]
    try:
        check_login_csrf(request, str(form.get("csrf", "")))
        signed = await log_in(name, password, remote=client_address(request),
                              hours=request.app[HOURS])
    except CunwuError as exc:
        return await login_page(request, message=exc.message, status=exc.status, name=name)
    response = web.HTTPFound("/console")
    set_session_cookie(response, request, signed.token, request.app[HOURS] * 3600)
    response.del_cookie(LOGIN_CSRF_COOKIE, path="/console")
    raise response


async def logout(request: web.Request) -> web.Response:
    session = await require_session(request)
    form = await read_form(request, _SMALL_FORM_LIMIT)
    check_csrf(session, str(form.get("csrf", "")))
    await log_out(session)
    response = web.HTTPFound("/console/login")
    clear_session_cookie(response)
    raise response


# --- the console -----------------------------------------------------------------------------


async def home(request: web.Request) -> web.Response:
    session = await require_session(request)
    return await _home(session)


async def _home(session: StaffSession, *, message: str = "", status: int = 200) -> web.Response:
    choices = await present.console_choices(session.staff)
    return _page("console_home.html", session, {
        "choices": choices, "year": date.today().year, "message": message,
        "periods": await present.finance_periods(choices.villages)}, status)


async def payouts_upload(request: web.Request) -> web.Response:
    session = await require_session(request)
    upload = await read_upload(request, request.app[MAX_BYTES])
    check_csrf(session, upload.get("csrf"))
    try:
        options = payout_options(upload)
    except CunwuError as exc:
        return await _home(session, message=exc.message, status=exc.status)
    return await _import_payouts(request, session, upload.filename, upload.data, options)


async def payouts_confirm(request: web.Request) -> web.Response:
    """The second step: the same file, now with the warnings accepted and/or the columns
    the clerk confirmed."""
    session = await require_session(request)
    form = await read_form(request, _CONFIRM_FORM_LIMIT)
    check_csrf(session, str(form.get("csrf", "")))
    stash = request.app[STASH]
    token = str(form.get("stash", ""))
    filename, data, options = stash.get(session.staff.id, token)
    if form.get("accept_warnings") == "1":
        options["accept_warnings"] = True
    headers = options.pop("layout_columns", None) or []
    confirmed = dict(options.get("column_map") or {})
    for index, header in enumerate(headers):
        chosen = form.get(f"map_{index}")
        if chosen is None or not header:
            continue
        guess = match_header(normalise_header(header), {})
        if chosen or (guess and guess[0] != chosen):
            confirmed[header] = str(chosen)
    options["column_map"] = confirmed
    stash.drop(session.staff.id, token)
    return await _import_payouts(request, session, filename, data, options)


async def _import_payouts(request: web.Request, session: StaffSession, filename: str,
                          data: bytes, options: dict[str, Any]) -> web.Response:
    staff: Staff = session.staff
    try:
        summary = await run_payout_import(staff, request.app[CIPHER], filename, data, options)
    except CunwuError as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        problems = list(details.get("problems") or [])
        warnings = list(details.get("warnings") or [])
        layout = details.get("layout")
        token = ""
        if (warnings and not problems) or layout:
            kept = {**options, "layout_columns": list(layout["columns"]) if layout else []}
            token = request.app[STASH].put(staff.id, filename, data, kept)
        message = exc.message
        if warnings and not problems:  # the CLI's wording names --accept-warnings
            message = f"表格有 {len(warnings)} 条提醒需要您逐条核对；核对无误后点下面的按钮确认"
        columns = [(h, (match_header(normalise_header(h), {}) or ("", ""))[0])
                   for h in (layout["columns"] if layout else [])]
        return _page("console_problems.html", session, {
            "kind": "payouts", "filename": filename, "message": message,
            "problems": problems, "warnings": warnings, "stash": token, "columns": columns,
            "field_choices": present.FIELD_CHOICES, "options": options}, status=exc.status)
    return _page("console_payout_done.html", session,
                 {"summary": present.payout_summary_view(summary), "filename": filename})


async def finance_upload(request: web.Request) -> web.Response:
    session = await require_session(request)
    upload = await read_upload(request, request.app[MAX_BYTES])
    check_csrf(session, upload.get("csrf"))
    try:
        summary = await run_finance_import(session.staff, upload.filename, upload.data, upload)
    except CunwuError as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        return _page("console_problems.html", session, {
            "kind": "finance", "filename": upload.filename, "message": exc.message,
            "problems": list(details.get("problems") or []), "warnings": [], "stash": "",
            "columns": [], "field_choices": [], "options": {}}, status=exc.status)
    return _page("console_finance_done.html", session,
                 {"summary": present.finance_summary_view(summary),
                  "filename": upload.filename})
