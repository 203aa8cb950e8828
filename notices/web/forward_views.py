"""The cadre's forward-pack page: ``/f/<signed token>`` (no login, the token is the key).

Thin: check the token, build the pack, render. Mobile first, large type, Chinese.
"""

from __future__ import annotations

from aiohttp import web

from notices.clock import CHINA
from notices.delivery import forward_pack
from notices.delivery.withdrawal_pack import withdrawal_token
from notices.fingerprint import format_code
from notices.models import VersionStatus
from notices.render.images import long_png
from notices.web.forms import read_form
from notices.web.public_views import STORE
from notices.web.responses import render
from villages.errors import NotFound

PACK_KEY = web.AppKey("forward_pack_key", bytes)
PUBLIC_URL = web.AppKey("forward_public_url", str)
_FORM_LIMIT = 4 * 1024


def setup(app: web.Application, key: bytes, public_url: str) -> None:
    app[PACK_KEY] = key
    app[PUBLIC_URL] = public_url
    app.router.add_get("/f/{token}", pack_page, name="forward_pack")
    app.router.add_get("/f/{token}/long.png", pack_image, name="forward_pack_image")
    app.router.add_post("/f/{token}/confirm", pack_confirm, name="forward_pack_confirm")


async def _pack(request: web.Request) -> forward_pack.Pack:
    return await forward_pack.pack_by_token(request.app[PACK_KEY], request.match_info["token"],
                                            request.app[PUBLIC_URL])


def _context(pack: forward_pack.Pack, **extra: object) -> dict[str, object]:
    confirmed = [{"at": c.confirmed_at.astimezone(CHINA).strftime("%m月%d日 %H:%M"),
                  "by": c.forwarded_by, "group": c.group_name} for c in pack.confirmations]
    return {"pack": pack, "code": format_code(pack.version.verify_code),
            "title": pack.version.content["title"], "confirmed": confirmed, **extra}


async def pack_page(request: web.Request) -> web.Response:
    pack = await _pack(request)
    if pack.version.status == VersionStatus.WITHDRAWN:
        # An old link from the group: show the withdrawal notice, never the list again.
        token = withdrawal_token(request.app[PACK_KEY], pack.version.id, pack.region.id)
        raise web.HTTPSeeOther(f"/fw/{token}")
    just = pack.confirmations[-1] if request.query.get("ok") and pack.confirmations else None
    return render("forward_pack.html", _context(pack, just=just))


async def pack_image(request: web.Request) -> web.Response:
    pack = await _pack(request)
    if pack.version.status == VersionStatus.WITHDRAWN:
        raise NotFound("这份公示已撤回，长图不再提供")
    png = await long_png(request.app[STORE], pack.version, request.app[PUBLIC_URL])
    return web.Response(body=png, content_type="image/png", headers={
        "Content-Disposition": f'inline; filename="{pack.version.verify_code}-long.png"',
        "Cache-Control": "private, max-age=86400"})


async def pack_confirm(request: web.Request) -> web.Response:
    form = await read_form(request, _FORM_LIMIT)
    token = request.match_info["token"]
    await forward_pack.confirm_forward(
        request.app[PACK_KEY], token, str(form.get("who", "")), str(form.get("group", "")),
        client_ip=request.remote or "")
    # Post/redirect/get: reloading the page must not record the forward twice.
    raise web.HTTPSeeOther(f"/f/{token}?ok=1")
