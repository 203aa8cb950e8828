"""The JSON import API: the same documents as ``cunwu import … --json``.

``POST /api/import/payouts`` and ``POST /api/import/finance`` take multipart/form-data (the
sheet as ``file`` plus the CLI's options as fields). A sheet with problems answers 422 with
the problem list and stores nothing; a stored import answers 201 with the summary, a dry run
200. The caller is a staff member: ``Authorization: Bearer <token>`` (``cunwu user token``),
or a signed-in session cookie plus ``X-CSRF-Token``.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from notices.ledgers.finance import services as finance_services
from notices.ledgers.payouts.column_maps import parse_map_options
from notices.lifecycle.corrections import import_payout_sheet
from notices.money import parse_fen
from notices.privacy.cipher import SensitiveCipher
from notices.web.responses import dumps_json
from notices.web.session import NotSignedIn, check_csrf, csrf_from, require_session
from notices.web.signin import staff_for_api_token
from notices.web.uploads import Upload, read_upload
from villages.errors import InvalidInput
from villages.models import Staff

CIPHER = web.AppKey("import_cipher", SensitiveCipher)
MAX_BYTES = web.AppKey("upload_max_bytes", int)


def setup(app: web.Application, runtime: Any) -> None:
    app[CIPHER] = runtime.cipher
    app[MAX_BYTES] = runtime.config.upload_max_mb * 1024 * 1024
    app.router.add_post("/api/import/payouts", payouts_api, name="api_import_payouts")
    app.router.add_post("/api/import/finance", finance_api, name="api_import_finance")


def whole_number(text: str, label: str, *, required: bool = True) -> int | None:
    text = text.strip()
    if not text and not required:
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 9:
        raise InvalidInput(f"{label}“{text[:20]}”应为整数", details={"field": label})
    return int(text)


def payout_options(upload: Upload) -> dict[str, Any]:
    """The import_payouts keyword arguments a form carries (the CLI's options by name)."""
    year = whole_number(upload.get("year"), "年度")
    return {
        "township_code": upload.get("township"), "program": upload.get("program"),
        "year": year, "period": upload.get("period"), "paid_on": upload.get("paid_on"),
        "dry_run": upload.flag("dry_run"), "accept_warnings": upload.flag("accept_warnings"),
        "replace_batch": whole_number(upload.get("replace"), "替换批次", required=False),
        "column_map": parse_map_options(upload.fields.get("map", [])),
    }  # fmt: skip


async def run_payout_import(staff: Staff, cipher: SensitiveCipher, filename: str, data: bytes,
                            options: dict[str, Any]) -> dict[str, Any]:
    if not options["township_code"]:
        raise InvalidInput("请选择乡镇（township）", details={"field": "township"})
    summary = await import_payout_sheet(data, filename, actor=staff, cipher=cipher, **options)
    return summary.as_dict()


async def run_finance_import(staff: Staff, filename: str, data: bytes, upload: Upload
                             ) -> dict[str, Any]:
    opening_text = upload.get("opening")
    opening = parse_fen(opening_text, field="期初余额") if opening_text else None
    summary = await finance_services.import_finance(
        data, filename, village_code=upload.get("village"), period_text=upload.get("period"),
        actor=staff, opening_fen=opening, dry_run=upload.flag("dry_run"))
    return summary.as_dict()


async def _signed_in_upload(request: web.Request) -> tuple[Staff, Upload]:
    """The caller by API token (scripts; no CSRF: browsers never send it on their own) or
    by session cookie plus CSRF token."""
    bearer = request.headers.get("Authorization", "")
    if bearer.startswith("Bearer "):
        staff = await staff_for_api_token(bearer.removeprefix("Bearer ").strip())
        if staff is None:
            raise NotSignedIn("API 令牌无效或已被更换（cunwu user token 重新生成）")
        return staff, await read_upload(request, request.app[MAX_BYTES])
    session = await require_session(request)
    header = request.headers.get("X-CSRF-Token", "")
    if header:  # checked before the body is read when the caller sends it up front
        check_csrf(session, header)
    upload = await read_upload(request, request.app[MAX_BYTES])
    if not header:
        check_csrf(session, csrf_from(request, upload.get("csrf")))
    return session.staff, upload


async def payouts_api(request: web.Request) -> web.Response:
    staff, upload = await _signed_in_upload(request)
    options = payout_options(upload)
    out = await run_payout_import(staff, request.app[CIPHER], upload.filename, upload.data,
                                  options)
    return web.json_response(out, status=200 if options["dry_run"] else 201, dumps=dumps_json)


async def finance_api(request: web.Request) -> web.Response:
    staff, upload = await _signed_in_upload(request)
    out = await run_finance_import(staff, upload.filename, upload.data, upload)
    return web.json_response(out, status=200 if upload.flag("dry_run") else 201,
                             dumps=dumps_json)
