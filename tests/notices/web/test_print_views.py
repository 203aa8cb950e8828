"""The PDF online shows masked names, like every online channel; the board's full-name print
file is only for signed-in staff of the notice's own township or village, and a 404 for
everyone else, exactly as for a code that does not exist."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from notices.lifecycle import workflow as lifecycle
from notices.models import NoticeKind, NoticeVersion
from notices.web.signin import set_password
from tests.builders import COUNTY, OTHER_VILLAGE, VILLAGE_A, VILLAGE_B, create_staff
from tests.notices.lifecycle.test_workflow import _publish_all, _setup
from tests.notices.web.helpers import PASSWORD, sign_in
from villages.models import Role

pytestmark = pytest.mark.storage


def _text(pdf: bytes) -> str:
    document = pdfium.PdfDocument(pdf)
    try:
        return "".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


@pytest.fixture
async def site(runtime):
    clerk, reviewer, summary = await _setup(runtime)
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    await _publish_all(notices, clerk, reviewer, runtime)
    donghu = next(n for n in notices if n.kind == NoticeKind.PAYOUT_VILLAGE
                  and n.draft_content["region"]["name"] == "东湖村")
    version = await NoticeVersion.get(notice_id=donghu.id)
    for name, role, scope in (("cadre_a", Role.VILLAGE_CADRE, VILLAGE_A),
                              ("cadre_b", Role.VILLAGE_CADRE, VILLAGE_B),
                              ("cadre_other", Role.VILLAGE_CADRE, OTHER_VILLAGE),
                              ("county", Role.COUNTY_ADMIN, COUNTY)):
        await create_staff(name, role, scope)
    for name in ("clerk", "cadre_a", "cadre_b", "cadre_other", "county"):
        await set_password(name, PASSWORD, actor="test")
    app = create_app(runtime.config, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as client:
        yield client, version.verify_code


async def test_the_online_pdf_masks_names_like_every_online_channel(site):
    client, code = site
    response = await client.get(f"/n/{code}.pdf")
    assert response.status == 200 and response.content_type == "application/pdf"
    text = _text(await response.read())
    assert "张*国" in text and "李*英" in text
    assert "张建国" not in text and "李秀英" not in text


@pytest.mark.parametrize("who", ["clerk", "cadre_a"])
async def test_staff_of_the_township_or_village_download_the_full_name_print_file(site, who):
    client, code = site
    await sign_in(client, who)
    response = await client.get(f"/console/print/{code}.pdf")
    assert response.status == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert "张建国" in _text(await response.read())


@pytest.mark.parametrize("who", ["", "cadre_b", "cadre_other", "county"])
async def test_anyone_else_gets_the_same_404_as_for_a_code_that_does_not_exist(site, who):
    client, code = site
    if who:
        await sign_in(client, who)
    response = await client.get(f"/console/print/{code}.pdf")
    missing = await client.get("/console/print/ZZZZZZZZ.pdf")
    assert response.status == missing.status == 404
    body = await response.text()
    assert body == await missing.text() and "张建国" not in body
    assert "%PDF" not in body


async def test_hostile_paths_get_a_404_not_a_500(site):
    client, _ = site
    await sign_in(client, "clerk")
    for path in ("/console/print/..%2F..%2Fetc%2Fpasswd.pdf", "/console/print/%00.pdf",
                 "/console/print/" + "A" * 5000 + ".pdf", "/n/..%2Fsecrets.pdf",
                 "/n/%E4%B8%AD.pdf"):
        assert (await client.get(path)).status == 404, path
