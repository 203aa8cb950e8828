"""The board PDF says what a villager must know before trusting it: a withdrawn notice is
stamped 已撤回 whenever it is printed again, and a correction says why it was made."""

from __future__ import annotations

import pytest

from notices.ledgers.models import PayoutRow
from notices.lifecycle import corrections
from notices.models import NoticeVersion
from notices.render.board import render_notice_pdf
from tests.notices.lifecycle.test_corrections import _published
from tests.notices.lifecycle.test_workflow import _publish_all
from tests.pdf.readback import page_texts

pytestmark = pytest.mark.storage
REASON = "李秀英补贴面积有误，已核实更正"


def _text(pdf: bytes) -> str:
    return "".join("".join(page_texts(pdf)).split())


async def test_printing_a_withdrawn_notice_again_stamps_it_withdrawn(runtime):
    _, reviewer, _, _, donghu = await _published(runtime)
    clean, label = await render_notice_pdf(donghu, runtime.store, "http://cunwu.test")
    assert label == "v1" and "已撤回" not in _text(clean)
    await corrections.withdraw(donghu, reviewer, "批次重复导入，整批作废")
    stamped, label = await render_notice_pdf(donghu, runtime.store, "http://cunwu.test")
    assert label == "v1（已撤回）"
    assert "已撤回：本公示已撤回，不再有效" in _text(stamped)
    assert "张建国" in _text(stamped)  # the same list, so the stamp is on what was posted


async def test_the_correction_banner_says_why(runtime):
    clerk, reviewer, summary, _, donghu = await _published(runtime)
    row = await PayoutRow.get(name="李秀英")
    await corrections.amend_payout_row(row.id, clerk, "面积有误", amount_fen=33300)
    stale = await corrections.stale_notices(summary.batch_id)
    for notice in stale:
        await corrections.correct(notice, clerk, REASON)
    await _publish_all(stale, clerk, reviewer, runtime)
    second = await NoticeVersion.get(notice_id=donghu.id, number=2)
    text = _text(runtime.store.read(second.pdf_file))
    assert "更正：本公示替代核验码" in text and f"更正原因：{REASON}" in text

