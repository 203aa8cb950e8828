"""General notices (通知公告) from notice.yaml to the board, the web page and the group card —
on SQLite and PostgreSQL."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from PIL import Image

from bot.app import create_app
from notices.fingerprint import fingerprint
from notices.kinds.general import create_general_notice, load_notice_yaml
from notices.lifecycle import workflow as lifecycle
from notices.models import AuditEvent, Delivery, NoticeKind, NoticeState
from notices.public import verification
from notices.render.publication import publication_of
from notices.render.robot import robot_markdown
from tests.builders import TOWNSHIP, VILLAGE_A, create_county, create_staff, make_id
from tests.pdf.readback import page_texts
from villages import services as villages
from villages.errors import CheckFailed, Forbidden, NotFound
from villages.models import Role

pytestmark = pytest.mark.storage

YAML = """\
title: 关于2026年城乡居民医保缴费政策的解读
region: "{region}"
catalog_item: SHJZ-01
body: |
  ## 一、缴费标准
  2026年个人缴费标准为每人每年400元，比上年增加20元。

  - 携带身份证到村委会办理
  - 通过手机缴费

  ![图1 近四年缴费标准](chart.png)

  <b>不是标签</b> & **不是粗体**
"""


def _chart(color: str = "gray") -> bytes:
    image = Image.new("RGB", (900, 500), "white")
    image.paste(Image.new("RGB", (200, 300), color), (100, 150))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _write(tmp_path: Path, yaml_text: str, chart: bytes | None = None) -> Path:
    path = tmp_path / "notice.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    (tmp_path / "chart.png").write_bytes(chart or _chart())
    return path


async def _staff():
    await create_county()
    clerk = await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    reviewer = await create_staff("reviewer", Role.TOWNSHIP_REVIEWER, TOWNSHIP)
    await villages.add_robot(VILLAGE_A, "东湖村村务工作群", "robot-key-donghu")
    return clerk, reviewer


async def _publish(notice, clerk, reviewer, runtime):
    await lifecycle.submit(notice, clerk)
    await lifecycle.approve(notice, reviewer)
    return await lifecycle.publish(notice, reviewer, runtime.publish_context())


async def test_a_general_notice_goes_from_yaml_to_a_published_checkable_version(runtime,
                                                                               tmp_path):
    clerk, reviewer = await _staff()
    draft = load_notice_yaml(_write(tmp_path, YAML.format(region=VILLAGE_A)))
    notice = await create_general_notice(draft, clerk, runtime.store)
    assert notice.kind == NoticeKind.GENERAL and notice.state == NoticeState.DRAFT
    version = await _publish(notice, clerk, reviewer, runtime)

    body = version.content["body"]
    assert [b["type"] for b in body] == ["heading", "paragraph", "list", "picture", "paragraph"]
    picture = body[3]
    assert runtime.store.exists(picture["file"]) and picture["caption"] == "图1 近四年缴费标准"
    assert version.content["issuer"] == "东湖村民委员会"
    assert (await verification.verify(version.verify_code)).status == "current"
    assert await Delivery.filter(version=version).count() == 1   # the village's robot
    assert await AuditEvent.filter(action="publish").count() == 1

    text = "".join(page_texts(runtime.store.read(version.pdf_file)))
    assert "一、缴费标准" in text and "携带身份证到村委会办理" in text
    assert "<b>不是标签</b> & **不是粗体**" in text            # printed literally
    assert "图1 近四年缴费标准" in text and "第 1 页 共 1 页" in text

    card = robot_markdown(version.content, publication_of(
        version.content, version.verify_code, "http://cunwu.test/n/x"))
    assert "关于2026年城乡居民医保缴费政策的解读" in card and "正文含 1 张图片" in card
    assert "400元" in card                                        # the gist, not just a title


async def test_the_fingerprint_covers_the_pictures_not_only_the_text(runtime, tmp_path):
    clerk, _ = await _staff()
    one = await create_general_notice(
        load_notice_yaml(_write(tmp_path, YAML.format(region=VILLAGE_A), _chart("gray"))),
        clerk, runtime.store)
    other = await create_general_notice(
        load_notice_yaml(_write(tmp_path, YAML.format(region=VILLAGE_A), _chart("black"))),
        clerk, runtime.store)
    text_of = [{k: v for k, v in b.items() if k not in ("sha256", "file")}
               for b in one.draft_content["body"]]
    assert text_of == [{k: v for k, v in b.items() if k not in ("sha256", "file")}
                       for b in other.draft_content["body"]]
    assert one.draft_sha256 != other.draft_sha256
    assert fingerprint(one.draft_content) == one.draft_sha256


async def test_a_body_with_an_id_number_is_blocked_before_approval_and_says_where(runtime,
                                                                                 tmp_path):
    clerk, reviewer = await _staff()
    leaky = YAML.format(region=VILLAGE_A).replace("比上年增加20元", f"如张三（{make_id()}）")
    notice = await create_general_notice(load_notice_yaml(_write(tmp_path, leaky)), clerk,
                                         runtime.store)
    await lifecycle.submit(notice, clerk)
    with pytest.raises(CheckFailed) as caught:
        await lifecycle.approve(notice, reviewer)
    assert caught.value.details["check"] == "privacy"
    assert "body" in caught.value.message


async def test_a_clerk_cannot_post_for_another_township(runtime, tmp_path):
    await create_county()
    outsider = await create_staff("outsider", Role.TOWNSHIP_CLERK, "419901101000")
    draft = load_notice_yaml(_write(tmp_path, YAML.format(region=VILLAGE_A)))
    with pytest.raises(Forbidden):
        await create_general_notice(draft, outsider, runtime.store)


async def test_an_unknown_catalog_item_is_named(runtime, tmp_path):
    clerk, _ = await _staff()
    draft = load_notice_yaml(_write(tmp_path, YAML.format(region=VILLAGE_A).replace(
        "SHJZ-01", "NOPE-9")))
    with pytest.raises(NotFound) as caught:
        await create_general_notice(draft, clerk, runtime.store)
    assert "NOPE-9" in caught.value.message and "catalog_item" in caught.value.message


async def test_the_web_page_shows_body_and_pictures_and_serves_only_its_own(runtime,
                                                                           tmp_path):
    clerk, reviewer = await _staff()
    notice = await create_general_notice(
        load_notice_yaml(_write(tmp_path, YAML.format(region=VILLAGE_A))), clerk, runtime.store)
    version = await _publish(notice, clerk, reviewer, runtime)
    picture = version.content["body"][3]
    app = create_app(runtime.config, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as http:
        page = await http.get(f"/n/{version.verify_code}")
        html = await page.text()
        assert page.status == 200
        assert "一、缴费标准" in html and "携带身份证到村委会办理" in html
        assert "&lt;b&gt;不是标签&lt;/b&gt;" in html                # escaped, not markup
        assert f"/n/{version.verify_code}/p/{picture['sha256']}" in html
        image = await http.get(f"/n/{version.verify_code}/p/{picture['sha256']}")
        assert image.status == 200 and image.content_type == "image/png"
        assert await image.read() == runtime.store.read(picture["file"])
        missing = await http.get(f"/n/{version.verify_code}/p/{'0' * 64}")
        assert missing.status == 404
        village = await (await http.get(f"/v/{VILLAGE_A}")).text()
        assert "通知公告" in village and "关于2026年城乡居民医保缴费政策的解读" in village

    runtime.store.put(picture["file"], _chart("black"))   # tampered with on disk
    async with TestClient(TestServer(create_app(runtime.config, with_worker=False,
                                                open_db=False))) as http:
        tampered = await http.get(f"/n/{version.verify_code}/p/{picture['sha256']}")
        assert tampered.status == 422


async def test_the_official_account_lists_and_verifies_it_without_a_money_total(runtime,
                                                                              tmp_path):
    from tests.bot.mp.test_callback import say

    clerk, reviewer = await _staff()
    notice = await create_general_notice(
        load_notice_yaml(_write(tmp_path, YAML.format(region=VILLAGE_A))), clerk, runtime.store)
    version = await _publish(notice, clerk, reviewer, runtime)
    app = create_app(runtime.config, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as http:
        await say(http, runtime.config, "绑定 东湖村")
        listing = await say(http, runtime.config, "公示")
        assert "关于2026年城乡居民医保缴费政策的解读" in listing and "合计" not in listing
        answer = await say(http, runtime.config, f"核验 {version.verify_code}")
        assert "现行有效" in answer and "合计" not in answer
