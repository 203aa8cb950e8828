"""Public pages: the county index, a village's notices, one notice by its verify code.

Thin: parse, call notices.public.pages, render. Each page works on a cheap phone held by an
elderly reader: large type, one column, Chinese throughout.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aiohttp import web

from notices.audit_anchors import ANCHOR_FILE, chain_head, latest_anchors
from notices.clock import today_in_china
from notices.county.settings import get_int
from notices.delivery.consistency import consistency_matrix
from notices.files import FileStore
from notices.fingerprint import normalize_code
from notices.kinds.general import pictures_of, read_pictures
from notices.models import VersionStatus
from notices.objections import receipts
from notices.objections import services as objections
from notices.privacy.cipher import SensitiveCipher
from notices.privacy.retention import is_personal_list, taken_down, where_to_ask
from notices.public import pages as public
from notices.public import verification
from notices.render.images import online_pdf_file
from notices.versions import find_version
from notices.web.forms import read_form
from notices.web.responses import dumps_json, render
from notices.web.session import client_address
from villages.errors import NotFound

STORE = web.AppKey("file_store", FileStore)
CIPHER = web.AppKey("cipher", SensitiveCipher)
GRACE_DAYS = web.AppKey("personal_list_grace_days", int)
ONLINE_URL = web.AppKey("online_pdf_public_url", str)
ANCHORS = web.AppKey("audit_anchor_file", Path)
SHOWN_ANCHORS = 30
_FORM_LIMIT = 8 * 1024  # an objection form is a few hundred bytes; refuse anything larger


def setup(app: web.Application, runtime: Any) -> None:
    app[STORE] = runtime.store
    app[CIPHER] = runtime.cipher
    app[GRACE_DAYS] = runtime.config.personal_list_grace_days
    app[ONLINE_URL] = runtime.config.public_url
    app[ANCHORS] = runtime.config.home / ANCHOR_FILE
    app.router.add_get("/", index, name="index")
    app.router.add_get("/v/{code}", village, name="village")
    app.router.add_get("/n/{code}.pdf", notice_pdf, name="notice_pdf")
    app.router.add_get("/n/{code}", notice, name="notice")
    app.router.add_get("/n/{code}/p/{sha256}", notice_picture, name="notice_picture")
    app.router.add_post("/n/{code}/objection", objection_submit, name="objection_submit")
    app.router.add_get("/o/{receipt}", objection_status, name="objection_status")
    app.router.add_get("/check/{code}", consistency, name="consistency")
    app.router.add_get("/api/verify/{code}", verify_api, name="verify_api")
    app.router.add_get("/audit", audit_anchors, name="audit_anchors")


async def index(request: web.Request) -> web.Response:
    return render("index.html", {"townships": await public.county_index()})


async def village(request: web.Request) -> web.Response:
    return render("village.html", await public.village_page(request.match_info["code"]))


async def notice(request: web.Request) -> web.Response:
    code = request.match_info["code"]
    normal = normalize_code(code)
    if normal and normal != code:
        raise web.HTTPFound(f"/n/{normal}")  # one address per version, whatever was typed
    version = await find_version(code)
    page = await public.notice_page(version, today_in_china(), await _grace_days(request))
    page["answers"] = await objections.public_answers(version)
    page["answer_days"] = await objections.answer_days()
    if page["kind"] == "general":
        page["picture_base"] = f"/n/{version.verify_code}/p"
        return render("general_notice.html", page)
    return render("notice.html", page)


async def notice_picture(request: web.Request) -> web.Response:
    """A picture of a general notice, only if that version holds it; checked against the
    hash in its fingerprinted content before it is served."""
    version = await find_version(request.match_info["code"])
    sha = request.match_info["sha256"]
    block = next((b for b in pictures_of(version.content) if b["sha256"] == sha), None)
    if block is None:
        raise NotFound("这份公告里没有这张图片")
    data = read_pictures({"body": [block]}, request.app[STORE])[sha]
    kind = "image/png" if block["file"].endswith(".png") else "image/jpeg"
    # Named by its hash: the bytes behind this address can never change.
    return web.Response(body=data, content_type=kind,
                        headers={"Cache-Control": "public, max-age=31536000, immutable"})


async def _grace_days(request: web.Request) -> int:
    """The county's setting if it made one, else the deployment's default."""
    return await get_int("personal_list_grace_days", request.app[GRACE_DAYS])


async def objection_submit(request: web.Request) -> web.Response:
    form = await read_form(request, _FORM_LIMIT)
    filed = await objections.raise_objection(
        request.match_info["code"], str(form.get("text", "")), str(form.get("contact", "")),
        channel="web", cipher=request.app[CIPHER], today=today_in_china(),
        client_address=client_address(request))
    await filed.objection.fetch_related("version")
    page = {"view": await receipts.view_of(filed.objection), "just_raised": True,
            "receipt": filed.receipt_text, "receipt_url": f"/o/{filed.receipt}"}
    return _private(render("objection.html", page))


async def objection_status(request: web.Request) -> web.Response:
    view = await receipts.lookup(request.match_info["receipt"])
    return _private(render("objection.html", {"view": view, "just_raised": False}))


def _private(response: web.Response) -> web.Response:
    """The receipt is in the page and its address: keep both out of caches and Referers."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


async def notice_pdf(request: web.Request) -> web.StreamResponse:
    """The notice as a PDF for anyone online: the online rendering, names masked like every
    other online channel. The board's full-name print file is in ``print_views``."""
    version = await find_version(request.match_info["code"])
    if taken_down(version.content, version.period_end, today_in_china(),
                  await _grace_days(request)):
        raise NotFound(f"公示期已结束，名单不再在网上公开。{where_to_ask(version.content)}。")
    if version.status == VersionStatus.WITHDRAWN and is_personal_list(version.content):
        raise NotFound(f"这份公示已撤回，名单不再在网上公开。{where_to_ask(version.content)}。")
    store = request.app[STORE]
    if not store.exists(version.pdf_file):
        raise NotFound("公示表文件不在了，请联系乡镇")
    name = await online_pdf_file(store, version, request.app[ONLINE_URL])
    return web.FileResponse(store.path(name), headers={
        "Content-Type": "application/pdf",
        "Content-Disposition": f'inline; filename="{version.verify_code}.pdf"',
    })


async def consistency(request: web.Request) -> web.Response:
    code = request.match_info["code"]
    region = await public.region_or_404(code)
    rows = await consistency_matrix(region.code)
    return render("consistency.html", {"region": region, "rows": rows,
                                       "consistent": all(r.ok for r in rows)})


async def verify_api(request: web.Request) -> web.Response:
    check = await verification.verify(request.match_info["code"])
    return web.json_response(check.as_dict(), dumps=dumps_json)


async def audit_anchors(request: web.Request) -> web.Response:
    """The audit chain's head and its latest anchors, for anyone to save (a copy of the
    anchors beyond our database's reach: ``notices.audit_anchors``)."""
    return render("audit.html", {"head": await chain_head(), "anchors": latest_anchors(
        request.app[ANCHORS], SHOWN_ANCHORS)})

