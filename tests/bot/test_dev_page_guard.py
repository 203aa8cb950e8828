"""The fake WeChat's dev page shows every group's messages and full-name board PDFs: outside
demo mode only a signed-in county admin sees it; the fake's API stays open for the worker."""

from __future__ import annotations

from dataclasses import replace

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.settings import load_config
from notices.web.signin import set_password
from tests.builders import COUNTY, TOWNSHIP, create_county, create_staff
from tests.notices.web.helpers import PASSWORD, sign_in
from villages.models import Role

pytestmark = pytest.mark.storage
PAGES = ["/dev/wechat", "/_fake/wechat/dev", "/_fake/wechat/dev/media/m1",
         "/_fake/wechat/dev/image/1"]
# Spellings a stranger might try to reach the page past a prefix check.
TRICKS = ["/_fake/wechat/dev/", "/_fake/wechat/%64ev", "/_fake/wechat/./dev",
          "/_fake/wechat/x/../dev", "/_fake/wechat//dev", "/_fake/wechat/dev?x=1",
          "/_fake/wechat/dev%2Fmedia%2Fm1", "/dev/wechat/"]


async def _client(config):
    await create_county()
    await create_staff("county", Role.COUNTY_ADMIN, COUNTY)
    await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    for name in ("county", "clerk"):
        await set_password(name, PASSWORD, actor="test")
    return TestClient(TestServer(create_app(config, with_worker=False, open_db=False)))


async def test_a_stranger_is_sent_to_sign_in_whatever_the_spelling(db):
    async with await _client(db) as client:
        for path in [*PAGES, *TRICKS]:
            response = await client.get(path, allow_redirects=False)
            assert response.status in (302, 404), path
            if response.status == 302:
                assert response.headers["Location"] == "/console/login", path
        tap = await client.post("/_fake/wechat/dev/customer-groups/m1/send",
                                allow_redirects=False)
        assert tap.status == 302


async def test_a_clerk_is_refused_in_chinese_and_the_county_admin_sees_the_page(db):
    async with await _client(db) as client:
        await sign_in(client, "clerk")
        refused = await client.get("/_fake/wechat/dev")
        assert refused.status == 403 and "管理员" in await refused.text()
    async with await _client_again(db) as client:
        await sign_in(client, "county")
        page = await client.get("/dev/wechat")
        assert page.status == 200 and "text/html" in page.content_type


async def _client_again(config):
    return TestClient(TestServer(create_app(config, with_worker=False, open_db=False)))


async def test_in_demo_mode_the_page_is_open(db):
    async with await _client(replace(db, demo=True)) as client:
        assert (await client.get("/dev/wechat")).status == 200


async def test_the_fake_platform_api_needs_no_sign_in(db):
    async with await _client(db) as client:
        response = await client.get("/_fake/wechat/cgi-bin/gettoken?corpid=x&corpsecret=y",
                                    allow_redirects=False)
        assert response.status == 200 and "errcode" in await response.text()


def test_the_demo_setting_is_0_or_1(tmp_path):
    assert not load_config({"CUNWU_HOME": str(tmp_path)}).demo
    assert load_config({"CUNWU_HOME": str(tmp_path), "CUNWU_DEMO": "1"}).demo
    with pytest.raises(ValueError, match="CUNWU_DEMO"):
        load_config({"CUNWU_HOME": str(tmp_path), "CUNWU_DEMO": "yes"})
