"""The privacy gate scans every string of the content and every rendered text; only the
townships' official numbers may pass."""

from __future__ import annotations

from datetime import date

import pytest

from notices.county.settings import set_setting
from notices.lifecycle import workflow as lifecycle
from notices.models import NoticeVersion
from notices.privacy.gate import (
    check_no_personal_numbers,
    check_rendered_texts,
    check_texts,
    pdf_texts,
)
from pdf import NoticeDoc, PayoutLine, render_notice
from pdf.samples import sample_notice
from tests.builders import COUNTY, TOWNSHIP, create_staff, make_id
from tests.notices.lifecycle.test_workflow import _publish_all, _setup
from villages.errors import CheckFailed
from villages.models import Role

MOBILE = "13812345678"


def _pdf(intro: str) -> bytes:
    return render_notice(NoticeDoc(
        title="公示", issuer="城关镇人民政府", region_name="东湖村", intro=intro,
        columns=("name", "amount"), lines=(PayoutLine(name="张三", amount_fen=100),),
        total_fen=100, period_start=date(2026, 11, 23), period_end=date(2026, 11, 29),
        supervision_phone="0376-7712345"))


def test_a_number_in_any_field_of_the_content_is_found():
    content = {"title": "公示", "rows": [], "region": {"name": f"东湖村（联系{MOBILE}）"}}
    with pytest.raises(CheckFailed) as caught:
        check_no_personal_numbers(content, frozenset())
    hit = caught.value.details["hits"][0]
    assert hit["where"] == "region.name" and hit["kind"] == "mobile"
    assert MOBILE not in caught.value.message  # the finding is masked


def test_the_pdf_text_layer_and_the_group_message_are_scanned():
    with pytest.raises(CheckFailed) as caught:
        check_rendered_texts(_pdf(f"经办人身份证 {make_id()}"), "ok", frozenset())
    assert caught.value.details["hits"][0]["where"] == "公示表第1页"
    with pytest.raises(CheckFailed) as caught:
        check_rendered_texts(_pdf("正常说明"), f"有事打 {MOBILE}", frozenset())
    assert caught.value.details["hits"][0]["where"] == "群消息"
    check_rendered_texts(_pdf(f"监督电话 {MOBILE}"), "ok", frozenset({MOBILE}))


@pytest.mark.storage
async def test_a_mobile_used_as_the_official_supervision_phone_may_be_printed(runtime):
    clerk, reviewer, summary = await _setup(runtime)
    admin = await create_staff("countyadmin", Role.COUNTY_ADMIN, COUNTY)
    await set_setting(f"supervision_phone.{TOWNSHIP}", MOBILE, admin, office_mobile=True)
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    await _publish_all(notices, clerk, reviewer, runtime)
    assert await NoticeVersion.all().count() == 3


def test_a_long_board_text_layer_raises_no_false_alarm():
    # 2,000 rows: 五组 next to masked IDs, quantities, 92.50, amounts with thousands commas,
    # wrapped notes, the supervision phone and the verify code, page after page.
    texts = pdf_texts(render_notice(sample_notice(2000, seed=3)))
    assert len(texts) > 50
    check_texts(texts, frozenset({"0376-7712345"}))


def test_a_number_split_across_table_lines_in_the_text_layer_is_found():
    number = make_id(birth="19710211", seq=272)
    with pytest.raises(CheckFailed) as caught:
        check_rendered_texts(_pdf(f"经办人 {number[:10]}\n{number[10:]}"), "ok", frozenset())
    assert caught.value.details["hits"][0]["kind"] == "id18"
