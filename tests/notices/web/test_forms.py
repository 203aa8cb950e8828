"""Small forms are read with a cap on the bytes actually received, whatever the client
declares: a chunked body (no Content-Length) is cut off as soon as it passes the cap."""

from __future__ import annotations

import gzip
from urllib.parse import quote

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient, TestServer
from hypothesis import given
from hypothesis import strategies as st

from bot.app import create_app
from notices.web.forms import MAX_FIELDS, parse_urlencoded
from tests.builders import TOWNSHIP, create_county, create_staff
from tests.notices.web.helpers import login_form_token
from villages.auth_models import LoginThrottle
from villages.errors import InvalidInput
from villages.models import Role

pytestmark = pytest.mark.storage


@pytest.fixture
async def client(db):
    await create_county()
    await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    app = create_app(db, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as http:
        yield http


async def _chunks(total_mb: int, sent: list[int]):
    for _ in range(total_mb):
        sent.append(1)
        yield b"name=clerk&password=" + b"x" * ((1 << 20) - 20)


async def test_a_chunked_24_mb_login_body_is_refused_without_being_read(client):
    sent: list[int] = []
    try:
        response = await client.post("/console/login", data=_chunks(24, sent),
                                     headers={"Content-Type":
                                              "application/x-www-form-urlencoded"})
    except Exception:  # the server may close the connection before the client is done
        status, text = 422, "提交的内容太长了"
    else:
        status, text = response.status, await response.text()
    assert status == 422 and "提交的内容太长了" in text
    assert len(sent) < 24  # the server stopped reading long before the end
    assert not await LoginThrottle.exists()  # nothing was tried


@pytest.mark.parametrize("path", ["/console/login", "/n/ABCD2345/objection",
                                  "/f/not-a-token/confirm"])
async def test_a_chunked_oversized_form_is_refused_on_every_public_form(client, path):
    async def body():
        for _ in range(4):
            yield b"text=" + b"a" * 8192

    response = await client.post(path, data=body(), headers={
        "Content-Type": "application/x-www-form-urlencoded"})
    assert response.status == 422 and "提交的内容太长了" in await response.text()


async def test_a_compressed_form_is_refused(client):
    response = await client.post("/console/login", data=gzip.compress(b"name=clerk" * 10),
                                 headers={"Content-Type": "application/x-www-form-urlencoded",
                                          "Content-Encoding": "gzip"})
    assert response.status == 422 and "格式不对" in await response.text()


async def test_a_multipart_login_form_still_works_within_the_cap(client):
    token = await login_form_token(client)
    form = FormData({"name": "clerk", "password": "wrong-pass-1", "csrf": token})
    form.add_field("ignored", b"x", filename="a.txt")  # forces multipart
    response = await client.post("/console/login", data=form)
    assert response.status == 401  # read and checked, just the wrong password


def test_too_many_fields_are_refused():
    body = "&".join(f"f{n}=1" for n in range(MAX_FIELDS + 1)).encode()
    with pytest.raises(InvalidInput, match="格式不对"):
        parse_urlencoded(body)


@given(st.binary(max_size=300))
def test_any_body_gives_fields_or_a_clear_refusal(body: bytes):
    try:
        fields = parse_urlencoded(body)
    except InvalidInput as exc:
        assert exc.status == 422 and "格式不对" in exc.message
    else:
        assert all(isinstance(v, str) for v in fields.values())


@given(st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=20), max_size=5))
def test_what_a_browser_encodes_comes_back(fields: dict[str, str]):
    body = "&".join(f"{quote(k)}={quote(v)}" for k, v in fields.items()).encode()
    assert dict(parse_urlencoded(body)) == fields
