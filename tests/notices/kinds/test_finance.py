"""The village finance disclosure as a notice: drafted from the period, refused until the
supervision committee signed, blocked when its numbers or its period disagree, and the same
numbers on the board, the web page and the robot card — on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from bot.runtime import Runtime
from notices.delivery.consistency import consistency_matrix
from notices.delivery.messages import robot_steps
from notices.kinds.finance import FinanceCheckFailed, create_finance_notice
from notices.ledgers.finance.services import import_finance, sign_off
from notices.ledgers.models import FinancePeriod
from notices.lifecycle import corrections
from notices.lifecycle import workflow as lifecycle
from notices.lifecycle.due import due_items
from notices.models import (
    AuditEvent,
    Delivery,
    Notice,
    NoticeKind,
    NoticeState,
    NoticeVersion,
    get_notice,
)
from notices.public import pages as public
from notices.public import verification
from notices.render.publication import publication_of
from notices.render.robot import robot_markdown
from pdf import amount_in_words
from tests.builders import TOWNSHIP, VILLAGE_A, create_county, create_staff
from tests.notices.ledgers.finance.test_services import ledger
from tests.pdf.readback import page_texts
from villages import services as villages
from villages.errors import CheckFailed, Conflict
from villages.models import Role

pytestmark = pytest.mark.storage

OPINION = "经审核，收支凭证齐全，同意公开"


async def _people():
    await create_county()
    clerk = await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    reviewer = await create_staff("reviewer", Role.TOWNSHIP_REVIEWER, TOWNSHIP)
    supervisor = await create_staff("孙监督", Role.VILLAGE_SUPERVISOR, VILLAGE_A)
    return clerk, reviewer, supervisor


async def _october(clerk, entries=None):
    kwargs = {} if entries is None else {"entries": entries}
    return await import_finance(ledger(**kwargs), "oct.csv", village_code=VILLAGE_A,
                                period_text="2026-10", actor=clerk)


async def _signed_draft(runtime: Runtime):
    clerk, reviewer, supervisor = await _people()
    await villages.add_robot(VILLAGE_A, "东湖村村务工作群", "robot-key-donghu")
    await _october(clerk)
    await sign_off(VILLAGE_A, "2026-10", supervisor, OPINION)
    notice = await create_finance_notice(VILLAGE_A, "2026-10", clerk)
    return clerk, reviewer, notice


async def _to_review(notice, clerk, reviewer):
    await lifecycle.submit(notice, clerk)
    await lifecycle.approve(notice, reviewer)


async def test_a_signed_period_is_published_with_the_same_numbers_everywhere(runtime):
    clerk, reviewer, notice = await _signed_draft(runtime)
    assert notice.kind == NoticeKind.FINANCE_VILLAGE
    assert notice.title == "东湖村2026年10月财务收支公开"
    await _to_review(notice, clerk, reviewer)
    version = await lifecycle.publish(notice, reviewer, runtime.publish_context())

    content = version.content
    assert content["balance"] == {"opening_fen": 5000000, "income_fen": 1200000,
                                  "expense_fen": 456640, "closing_fen": 5743360,
                                  "previous": None}
    assert content["supervision"]["by"] == "孙监督"
    assert content["supervision"]["opinion"] == OPINION
    assert [e["voucher"] for e in content["entries"]] == ["记-001", "记-002", "记-003"]

    board = "\n".join(page_texts(runtime.store.read(version.pdf_file)))
    flat = board.replace("\r", "").replace("\n", "")
    assert "50,000.00 + 12,000.00 − 4,566.40 = 57,433.60" in flat
    assert amount_in_words(5743360) in flat          # 期末 in 大写
    assert f"村务监督委员会审核意见：{OPINION}" in flat
    assert "审核人：孙监督" in flat
    assert f"核验码：{version.verify_code[:4]}-{version.verify_code[4:]}" in flat

    card = robot_markdown(content, publication_of(content, version.verify_code, "u"))
    assert "期初 50,000.00 + 收入 12,000.00 − 支出 4,566.40 = 期末 57,433.60" in card
    assert "孙监督" in card
    delivery = await Delivery.get(version=version).prefetch_related("version", "target")
    steps = robot_steps(delivery, "http://x")
    [pdf_step] = [s for s in steps if s.kind == "file"]
    assert pdf_step.payload == version.pdf_file
    assert pdf_step.filename.startswith("东湖村2026年10月财务收支公开-")

    page = await public.notice_page(version, version.period_start)
    assert page["finance"]["closing"] == "57,433.60"
    assert page["finance"]["supervision"]["by"] == "孙监督"
    assert len(page["finance"]["entries"]) == 3 and page["in_period"]
    listing = await public.village_page(VILLAGE_A)
    assert [(i["total_label"], i["total"]) for i in listing["items"]] == [("期末余额",
                                                                            "57,433.60")]
    check = await verification.verify(version.verify_code)
    assert (check.total_label, check.total_fen) == ("期末余额", 5743360)

    rows = await consistency_matrix(VILLAGE_A)
    assert [(r.notice_id, r.ledger_stale) for r in rows] == [(notice.id, False)]


async def test_without_the_supervision_sign_off_nothing_is_approved_or_published(runtime):
    clerk, reviewer, _ = await _people()
    await _october(clerk)
    notice = await create_finance_notice(VILLAGE_A, "2026-10", clerk)
    assert notice.draft_content["supervision"] is None
    await lifecycle.submit(notice, clerk)
    with pytest.raises(FinanceCheckFailed) as refused:
        await lifecycle.approve(notice, reviewer)
    assert "村务监督委员会尚未签核" in refused.value.message
    assert refused.value.details["check"] == "supervision"
    # An approved draft whose period lost nothing still cannot be published unsigned: the
    # check runs again at publication.
    await Notice.filter(id=notice.id).update(state=NoticeState.APPROVED,
                                             approved_sha256=notice.draft_sha256)
    notice = await get_notice(notice.id)
    with pytest.raises(FinanceCheckFailed, match="尚未签核"):
        await lifecycle.publish(notice, reviewer, runtime.publish_context())
    assert await NoticeVersion.filter(notice_id=notice.id).count() == 0


async def test_a_sign_off_after_drafting_makes_the_draft_stale_until_redrafted(runtime):
    clerk, reviewer, supervisor = await _people()
    await _october(clerk)
    notice = await create_finance_notice(VILLAGE_A, "2026-10", clerk)
    await sign_off(VILLAGE_A, "2026-10", supervisor, OPINION)
    await lifecycle.submit(notice, clerk)
    with pytest.raises(FinanceCheckFailed, match="起草于签核之前"):
        await lifecycle.approve(notice, reviewer)
    again = await create_finance_notice(VILLAGE_A, "2026-10", clerk)
    assert again.id == notice.id and again.state == NoticeState.DRAFT
    assert again.draft_content["supervision"]["opinion"] == OPINION
    await _to_review(again, clerk, reviewer)
    await lifecycle.publish(again, reviewer, runtime.publish_context())
    assert await AuditEvent.filter(action="redraft", subject=f"notice:{notice.id}").exists()


async def test_a_period_reimported_after_drafting_is_stale_with_both_revisions(runtime):
    clerk, reviewer, _ = await _people()
    await _october(clerk)
    notice = await create_finance_notice(VILLAGE_A, "2026-10", clerk)
    await _october(clerk, entries=[("2026-10-03", "记-001", "村集体土地租金", "各项收入",
                                    "13000.00", "")])
    await lifecycle.submit(notice, clerk)
    with pytest.raises(FinanceCheckFailed) as refused:
        await lifecycle.approve(notice, reviewer)
    assert refused.value.details == {"check": "stale", "drafted": 1, "now": 2}
    assert "起草时第1版，现为第2版" in refused.value.message


async def test_entries_that_do_not_add_up_to_the_totals_are_refused_side_by_side(runtime):
    clerk, _, _ = await _people()
    await _october(clerk)
    notice = await create_finance_notice(VILLAGE_A, "2026-10", clerk)
    notice.draft_content["balance"]["income_fen"] += 100   # the notice claims 1 元 more
    with pytest.raises(FinanceCheckFailed) as refused:
        await lifecycle.submit(notice, clerk)
    assert "收入 12,000.00 元" in refused.value.message
    assert "收入 12,001.00 元" in refused.value.message
    notice.draft_content["balance"]["income_fen"] -= 100
    notice.draft_content["balance"]["closing_fen"] += 1
    with pytest.raises(FinanceCheckFailed, match=r"公开的期末余额是 57,433\.61 元"):
        await lifecycle.submit(notice, clerk)


async def test_an_opening_balance_that_is_not_the_previous_closing_blocks_approval(runtime):
    clerk, reviewer, supervisor = await _people()
    await import_finance(ledger(entries=[("2026-09-05", "记-001", "租金", "各项收入",
                                          "1000.00", "")], opening="49000.00"),
                         "sep.csv", village_code=VILLAGE_A, period_text="2026-09", actor=clerk)
    await _october(clerk)
    await sign_off(VILLAGE_A, "2026-10", supervisor, OPINION)
    notice = await create_finance_notice(VILLAGE_A, "2026-10", clerk)
    assert notice.draft_content["balance"]["previous"] == "2026-09"
    await lifecycle.submit(notice, clerk)
    # Someone changes September's closing in the database behind the import's back.
    await FinancePeriod.filter(period="2026-09").update(closing_fen=4999900)
    with pytest.raises(FinanceCheckFailed) as refused:
        await lifecycle.approve(notice, reviewer)
    assert refused.value.details["check"] == "balance_chain"
    assert "本期期初余额 50,000.00 元，上期（2026-09）期末余额 49,999.00 元" in (
        refused.value.message)


async def test_a_phone_number_in_an_entry_blocks_publication_and_says_where(runtime):
    clerk, reviewer, supervisor = await _people()
    await _october(clerk, entries=[("2026-10-03", "记-001", "付王强劳务费 13812345678",
                                    "各项支出", "", "300.00")])
    await sign_off(VILLAGE_A, "2026-10", supervisor, OPINION)
    notice = await create_finance_notice(VILLAGE_A, "2026-10", clerk)
    await lifecycle.submit(notice, clerk)
    with pytest.raises(CheckFailed) as refused:
        await lifecycle.approve(notice, reviewer)
    assert refused.value.details["check"] == "privacy"
    assert refused.value.details["hits"][0]["where"] == "entries第1行.summary"
    assert "13812345678" not in refused.value.message


async def test_a_published_disclosure_is_not_redrafted_in_place(runtime):
    clerk, reviewer, notice = await _signed_draft(runtime)
    await _to_review(notice, clerk, reviewer)
    ctx = replace(runtime.publish_context(), today=date(2026, 11, 5))
    await lifecycle.publish(notice, reviewer, ctx)
    with pytest.raises(Conflict, match="已发布"):
        await create_finance_notice(VILLAGE_A, "2026-10", clerk)


async def test_the_author_cannot_approve_a_finance_disclosure(runtime):
    clerk, _, notice = await _signed_draft(runtime)
    await lifecycle.submit(notice, clerk)
    clerk_reviewer = await create_staff("clerk2", Role.TOWNSHIP_REVIEWER, TOWNSHIP)
    await Notice.filter(id=notice.id).update(author_id=clerk_reviewer.id)
    notice = await get_notice(notice.id)
    with pytest.raises(Exception, match="起草人"):
        await lifecycle.approve(notice, clerk_reviewer)


async def test_the_due_list_says_what_a_month_still_needs_until_it_is_disclosed(runtime):
    clerk, reviewer, supervisor = await _people()
    await _october(clerk)
    november = date(2026, 11, 12)

    async def said() -> list[str]:
        return [i.what for i in await due_items(november, VILLAGE_A) if i.kind == "finance"]

    assert await said() == ["2026-10 村级财务待监督委员会签核，未公开"]
    await sign_off(VILLAGE_A, "2026-10", supervisor, OPINION)
    assert await said() == ["2026-10 村级财务已签核，未公开"]
    notice = await create_finance_notice(VILLAGE_A, "2026-10", clerk)
    await _to_review(notice, clerk, reviewer)
    await lifecycle.publish(notice, reviewer, runtime.publish_context())
    assert await said() == []
    [december] = await due_items(date(2026, 12, 11), VILLAGE_A)
    assert december.what == "2026-11 村级财务未导入" and december.overdue


async def test_a_signed_period_that_still_matches_has_nothing_to_correct(runtime):
    clerk, reviewer, notice = await _signed_draft(runtime)
    await _to_review(notice, clerk, reviewer)
    await lifecycle.publish(notice, reviewer, runtime.publish_context())
    with pytest.raises(Conflict, match=r"没有需要更正的内容.*cunwu finance reopen"):
        await corrections.correct(notice, clerk, "摘要写错")
    assert (await get_notice(notice.id)).state == NoticeState.PUBLISHED
