"""Who is asking: the staff session behind the cookie, and the CSRF checks on what they send.

The session cookie is HttpOnly and SameSite=Lax (Secure when the site is served over https);
every state-changing request also carries the session's CSRF token, in a hidden form field
or the ``X-CSRF-Token`` header. The login form, before any session exists, uses a
double-submit token: a cookie and a hidden field that must match.
"""

from __future__ import annotations

import hmac
import secrets

from aiohttp import web

from notices.web.signin import session_of
from villages.auth_models import StaffSession
from villages.errors import CunwuError, Forbidden

SESSION_COOKIE = "cunwu_session"
LOGIN_CSRF_COOKIE = "cunwu_login_csrf"
SECURE = web.AppKey("cookies_secure", bool)
_SESSION = web.RequestKey("staff_session", object)


class NotSignedIn(CunwuError):
    status = 401
    code = "not_signed_in"


async def current_session(request: web.Request) -> StaffSession | None:
    if _SESSION not in request:
        token = request.cookies.get(SESSION_COOKIE, "")
        request[_SESSION] = await session_of(token) if token else None
    found = request[_SESSION]
    return found if isinstance(found, StaffSession) else None


async def require_session(request: web.Request) -> StaffSession:
    """The session, or 401 for the API and a redirect to the login page for the console."""
    found = await current_session(request)
    if found is None:
        if request.path.startswith("/api/"):
            raise NotSignedIn("请先登录（/console/login），再调用导入接口")
        raise web.HTTPFound("/console/login")
    return found


def check_csrf(session: StaffSession, sent: str) -> None:
    if not sent or not hmac.compare_digest(sent.encode(), session.csrf_token.encode()):
        raise Forbidden("页面已过期或来源不明（缺少校验码），请刷新页面后重试")


def csrf_from(request: web.Request, form_value: str = "") -> str:
    return request.headers.get("X-CSRF-Token", "") or form_value


def set_session_cookie(response: web.StreamResponse, request: web.Request, token: str,
                       max_age: int) -> None:
    """``max_age`` matches the session row's expiry; the row is what counts."""
    response.set_cookie(SESSION_COOKIE, token, max_age=max_age, path="/", httponly=True,
                        samesite="Lax", secure=request.app.get(SECURE, False))


def clear_session_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(SESSION_COOKIE, path="/")


def login_csrf(request: web.Request, response_cookies: dict[str, str]) -> str:
    """The login form's token: the cookie's if the browser has one, else a new one."""
    token = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if len(token) < 20 or len(token) > 64:
        token = secrets.token_urlsafe(24)
        response_cookies[LOGIN_CSRF_COOKIE] = token
    return token


def check_login_csrf(request: web.Request, sent: str) -> None:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not sent or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise Forbidden("登录页已过期，请刷新登录页后重试")


_LOOPBACK = ("127.0.0.1", "::1")


def client_address(request: web.Request) -> str:
    """The client's address for the login throttle. Behind the nginx of deploy/ (the app
    listens on loopback) the peer is nginx, so the last X-Forwarded-For entry, the one nginx
    appended, is the client; from anywhere else the header is ignored, since anyone can
    send it."""
    peer = request.remote or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if peer in _LOOPBACK and forwarded:
        return forwarded.rsplit(",", 1)[-1].strip()[:64] or peer
    return peer
