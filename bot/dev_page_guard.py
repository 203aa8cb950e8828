"""Outside demo mode, the fake WeChat's dev page needs a signed-in county admin.

The page shows every robot's messages, the board PDFs with full names and every group
task: what each village's cadres and villagers received. In the demo (``CUNWU_DEMO=1``)
that is the point; on a server left in fake mode it would publish every village's full-name
lists to whoever finds the address (DESIGN §2: online channels show masked names only).
"""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

from notices.web.session import current_session
from villages.errors import Forbidden
from villages.models import Role

# The page, its files and images, its "tap send" buttons, and the short address to it.
_GUARDED = ("/_fake/wechat/dev", "/dev/wechat")


def _guarded(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in _GUARDED)


@web.middleware
async def dev_page_guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    if _guarded(request.path):
        session = await current_session(request)
        if session is None:
            raise web.HTTPFound("/console/login")
        if session.staff.role != Role.COUNTY_ADMIN:
            raise Forbidden("模拟微信的开发页只有县政务公开办的管理员登录后才能看")
    return await handler(request)
