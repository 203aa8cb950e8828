"""Plain ``cunwu verify CODE`` says why a version was corrected or withdrawn, not only that
it was (the JSON always had the reason; the text a cadre reads did not)."""

from __future__ import annotations

import argparse

from bot.commands.verify import verify
from notices.ledgers.models import PayoutRow
from notices.lifecycle import corrections
from notices.models import NoticeVersion
from tests.notices.lifecycle.test_corrections import _published
from tests.notices.lifecycle.test_workflow import _publish_all

REASON = "李秀英补贴面积有误，已核实更正"


async def _text(code: str, config) -> str:
    _, text = await verify(argparse.Namespace(code=code, json=False), config)
    return text


async def test_verify_text_gives_the_reasons_of_correction_and_withdrawal(runtime):
    clerk, reviewer, summary, _, donghu = await _published(runtime)
    first = await NoticeVersion.get(notice_id=donghu.id)
    row = await PayoutRow.get(name="李秀英")
    await corrections.amend_payout_row(row.id, clerk, "面积有误", amount_fen=33300)
    stale = await corrections.stale_notices(summary.batch_id)
    for notice in stale:
        await corrections.correct(notice, clerk, REASON)
    await _publish_all(stale, clerk, reviewer, runtime)
    second = await NoticeVersion.get(notice_id=donghu.id, number=2)
    await corrections.withdraw(donghu, reviewer, "批次重复导入，整批作废")

    config = runtime.config
    old = await _text(first.verify_code, config)
    assert "已被更正" in old and f"的版本更正，更正原因：{REASON}" in old
    new = await _text(second.verify_code, config)
    assert "已撤回" in new and "撤回原因：批次重复导入，整批作废" in new
    assert f"本版更正了核验码 {first.verify_code[:4]}-{first.verify_code[4:]} 的版本" in new
    assert f"更正原因：{REASON}" in new
