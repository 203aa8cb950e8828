"""Signing a staff member in to the app under test, as a browser would."""

from __future__ import annotations

import re

from aiohttp import FormData
from aiohttp.test_utils import TestClient

PASSWORD = "dongfang-2026"


async def login_form_token(client: TestClient) -> str:
    page = await client.get("/console/login")
    found = re.search(r'name="csrf" value="([^"]+)"', await page.text())
    assert found, "the login page carries a CSRF token"
    return found.group(1)


async def sign_in(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the session's CSRF token from the console page."""
    token = await login_form_token(client)
    response = await client.post("/console/login", data={
        "name": name, "password": password, "csrf": token}, allow_redirects=False)
    assert response.status == 302, await response.text()
    home = await client.get("/console")
    found = re.search(r'name="csrf" value="([^"]+)"', await home.text())
    assert found
    return found.group(1)


def sheet_form(data: bytes, filename: str = "清册.csv", **fields: str) -> FormData:
    form = FormData()
    for key, value in fields.items():
        form.add_field(key, value)
    form.add_field("file", data, filename=filename, content_type="application/octet-stream")
    return form
