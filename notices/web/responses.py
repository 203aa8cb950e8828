"""Shared web plumbing for the domain views: templates and the one place errors map to
responses (no traceback ever reaches a client)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from villages.errors import CunwuError

log = logging.getLogger("cunwu.web")
# Scripts the pages load (served at /static/): none is inline, so the CSP can forbid that.
STATIC_DIR = Path(__file__).parent / "static"

templates = jinja2.Environment(
    loader=jinja2.PackageLoader("notices.web", "templates"),
    autoescape=jinja2.select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(name: str, context: dict[str, Any], status: int = 200) -> web.Response:
    html = templates.get_template(name).render(**context)
    return web.Response(text=html, content_type="text/html", charset="utf-8", status=status)


def _wants_json(request: web.Request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", "")


@web.middleware
async def error_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except CunwuError as exc:
        if _wants_json(request):
            return web.json_response(exc.as_dict(), status=exc.status,
                                     dumps=dumps_json)
        return render("error.html", {"status": exc.status, "message": exc.message},
                      status=exc.status)
    except web.HTTPException as exc:
        if exc.status < 400 or _wants_json(request):
            raise
        message = {404: "页面不存在", 405: "不支持这种请求", 413: "上传的内容太大"}.get(
            exc.status, "请求有误")
        return render("error.html", {"status": exc.status, "message": message},
                      status=exc.status)
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return render("error.html", {"status": 500, "message": "服务器出错了，请稍后再试"},
                      status=500)


def dumps_json(value: Any) -> str:
    import json
    return json.dumps(value, ensure_ascii=False, default=str)
