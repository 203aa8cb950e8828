"""The board's print file, with full names, for the people who post it.

Online, a notice shows masked names only (DESIGN §2), and ``/n/<code>.pdf`` is that masked
rendering. The full-name file the board is printed from is for signed-in staff of the
notice's own township or village; anyone else, signed in or not, gets the same 404 as for a
code that does not exist, so the address tells a stranger nothing.
"""

from __future__ import annotations

from aiohttp import web

from notices.models import Notice
from notices.versions import find_version
from notices.web.public_views import STORE
from notices.web.session import current_session
from villages.errors import NotFound
from villages.models import Region
from villages.services import works_in

_NOT_HERE = "没有这份公示表；打印用的公示表请登录后在本乡镇、本村的账号下载"


def setup(app: web.Application) -> None:
    app.router.add_get("/console/print/{code}.pdf", print_pdf, name="print_pdf")


async def print_pdf(request: web.Request) -> web.StreamResponse:
    session = await current_session(request)
    if session is None:
        raise NotFound(_NOT_HERE)
    try:
        version = await find_version(request.match_info["code"])
    except NotFound:
        raise NotFound(_NOT_HERE) from None
    notice = await Notice.get(id=version.notice_id)
    if not works_in(session.staff, await Region.get(id=notice.region_id)):
        raise NotFound(_NOT_HERE)
    store = request.app[STORE]
    if not store.exists(version.pdf_file):
        raise NotFound("公示表文件不在了，请联系乡镇")
    return web.FileResponse(store.path(version.pdf_file), headers={
        "Content-Type": "application/pdf",
        "Content-Disposition": f'attachment; filename="{version.verify_code}-print.pdf"',
        "Cache-Control": "private, no-store",
    })
