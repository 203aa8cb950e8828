"""Every response carries the security headers, and no template has inline script, so the
Content-Security-Policy can forbid it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

import bot.fake_wechat
import notices.web
from bot.app import SECURITY_HEADERS, create_app

pytestmark = pytest.mark.storage

TEMPLATE_DIRS = [Path(notices.web.__file__).parent / "templates",
                 Path(bot.fake_wechat.__file__).parent / "templates"]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)


@pytest.fixture
async def client(db):
    app = create_app(db, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as http:
        yield http


@pytest.mark.parametrize(("path", "status"), [
    ("/healthz", 200), ("/console/login", 200), ("/console", 302), ("/no/such/page", 404),
    ("/n/ZZZZZZZZ", 404), ("/static/copy-buttons.js", 200), ("/dev/wechat", 302),
])
async def test_every_response_carries_the_security_headers(client, path, status):
    response = await client.get(path, allow_redirects=False)
    assert response.status == status
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]


async def test_a_refused_form_and_the_fake_wechat_pages_carry_them_too(client):
    refused = await client.post("/console/login", data=b"x" * 10_000, headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    assert refused.status == 422
    assert refused.headers["X-Content-Type-Options"] == "nosniff"
    dev = await client.get("/_fake/wechat/dev")
    assert dev.headers["Content-Security-Policy"] == SECURITY_HEADERS["Content-Security-Policy"]


async def test_the_copy_buttons_script_is_served_as_javascript(client):
    response = await client.get("/static/copy-buttons.js")
    assert "javascript" in response.headers["Content-Type"]
    assert "button.copy" in await response.text()


async def test_static_files_cannot_reach_outside_their_folder(client):
    for path in ("/static/../app.py", "/static/%2e%2e/responses.py", "/static/"):
        response = await client.get(path)
        assert response.status in (403, 404)


@pytest.mark.parametrize("template", [p for d in TEMPLATE_DIRS for p in sorted(d.glob("*.html"))],
                         ids=lambda p: p.name)
def test_no_template_has_inline_script(template: Path):
    text = template.read_text(encoding="utf-8")
    assert not INLINE_SCRIPT.search(text), "move the script to notices/web/static/"
    assert not HANDLER_ATTRIBUTE.search(text), "use addEventListener in a static script"
