"""JSON answers in the platforms' shape: always HTTP 200, failures in errcode/errmsg."""

from __future__ import annotations

import json
import secrets
import time
from typing import Any, Literal

from aiohttp import web

Flavour = Literal["wecom", "mp"]  # WeCom (qyapi) or official account (api.weixin)

DEFAULT_ERRMSG = {
    -1: "system error",
    40001: "invalid credential, access_token is invalid or not latest",
    40014: "invalid access_token",
    42001: "access_token expired",
    40164: "invalid ip 127.0.0.1, not in whitelist",
    45009: "api freq out of limit",
    48001: "api unauthorized",
    93000: "invalid webhook url",
}


def decorate(flavour: Flavour, errcode: int, errmsg: str) -> str:
    """Add the request id the real platforms append; clients must key on errcode only."""
    if flavour == "wecom":
        hint = f"{int(time.time())}{secrets.randbelow(10**12):012d}"
        return (
            f"{errmsg}, hint: [{hint}], from ip: 127.0.0.1, more info at "
            f"https://open.work.weixin.qq.com/devtool/query?e={errcode}"
        )
    rid = "-".join(secrets.token_hex(4) for _ in range(3))
    return f"{errmsg} rid: {rid}"


def error(flavour: Flavour, errcode: int, errmsg: str | None = None) -> web.Response:
    text = errmsg or DEFAULT_ERRMSG.get(errcode, "error")
    return web.json_response({"errcode": errcode, "errmsg": decorate(flavour, errcode, text)})


def reply(flavour: Flavour, body: dict[str, Any]) -> web.Response:
    """Answer a body from the token logic, decorating it if it is an error."""
    if body.get("errcode"):
        return error(flavour, body["errcode"], body["errmsg"])
    return web.json_response(body)


def token_refusal(request: web.Request, state: Any, flavour: Flavour) -> web.Response | None:
    """The platform's answer to a missing, unknown or expired access_token, or None."""
    code = state.tokens.check(request.query.get("access_token", ""))
    if flavour == "wecom" and code == 40001:
        code = 40014  # WeCom says "invalid access_token" for an unknown token
    if code == 41001:
        return error(flavour, code, "access_token missing")
    return error(flavour, code) if code else None


async def authed_json(request: web.Request, state: Any,
                      flavour: Flavour) -> dict[str, Any] | web.Response:
    """The JSON object body of an API call that carries a valid token, or the refusal."""
    if (refused := token_refusal(request, state, flavour)) is not None:
        return refused
    try:
        body = json.loads(await request.read())
    except ValueError:
        return error(flavour, 47001, "data format error")
    return body if isinstance(body, dict) else error(flavour, 47001, "data format error")
