"""The cadre's withdrawal-pack page: ``/fw/<signed token>`` (no login, the token is the key).

Thin: check the token, build the pack, render; the confirm form posts back here.
"""

from __future__ import annotations

from aiohttp import web

from notices.clock import CHINA
from notices.delivery import withdrawal_pack
from notices.fingerprint import format_code
from notices.web.forms import read_form
from notices.web.forward_views import PACK_KEY, PUBLIC_URL
from notices.web.responses import render

_FORM_LIMIT = 4 * 1024


def setup(app: web.Application) -> None:
    """Call after ``forward_views.setup``: it shares that module's key and public URL."""
    app.router.add_get("/fw/{token}", withdrawal_page, name="withdrawal_pack")
    app.router.add_post("/fw/{token}/confirm", withdrawal_confirm,
                        name="withdrawal_pack_confirm")


async def withdrawal_page(request: web.Request) -> web.Response:
    pack = await withdrawal_pack.withdrawal_pack_by_token(
        request.app[PACK_KEY], request.match_info["token"], request.app[PUBLIC_URL])
    just = pack.confirmations[-1] if request.query.get("ok") and pack.confirmations else None
    confirmed = [{"at": c.confirmed_at.astimezone(CHINA).strftime("%m月%d日 %H:%M"),
                  "by": c.forwarded_by, "group": c.group_name} for c in pack.confirmations]
    return render("withdrawal_pack.html", {
        "pack": pack, "code": format_code(pack.version.verify_code),
        "title": pack.version.content["title"], "confirmed": confirmed, "just": just})


async def withdrawal_confirm(request: web.Request) -> web.Response:
    form = await read_form(request, _FORM_LIMIT)
    token = request.match_info["token"]
    await withdrawal_pack.confirm_withdrawal_forward(
        request.app[PACK_KEY], token, str(form.get("who", "")), str(form.get("group", "")),
        client_ip=request.remote or "")
    raise web.HTTPSeeOther(f"/fw/{token}?ok=1")  # reloading must not confirm twice
