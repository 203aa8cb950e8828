"""发放时间: given on import, checked, kept on the batch, and in the content only if given
(so notices drafted before keep their fingerprints)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notices.kinds.payout import village_contents
from notices.ledgers.models import PayoutBatch
from notices.ledgers.payouts.services import check_paid_on, import_payouts
from tests.builders import TOWNSHIP, create_county, create_staff, payout_csv
from villages.errors import InvalidInput
from villages.models import Role


@pytest.mark.parametrize(("typed", "kept"), [
    ("2026-10-09", "2026-10-09"), ("2026-10-9", "2026-10-09"), (" 2026-3 ", "2026-03"),
    ("2027-03-01", "2027-03-01"), ("", ""), ("２０２６-１０", "2026-10"),
])
def test_a_payout_date_or_month_is_kept_zero_padded(typed, kept):
    assert check_paid_on(typed, 2026) == kept


@pytest.mark.parametrize("typed", ["2026-02-30", "2026-13", "2025-12-31", "2028-01",
                                   "10月9日", "2026/10/09", "2026-10-09T00:00"])
def test_a_wrong_payout_date_is_refused_in_chinese(typed):
    with pytest.raises(InvalidInput, match="发放时间"):
        check_paid_on(typed, 2026)


@given(st.text(max_size=30))
def test_any_text_is_either_a_clean_date_or_a_clear_refusal(text):
    try:
        kept = check_paid_on(text, 2026)
    except InvalidInput as exc:
        assert "发放时间" in exc.message
    else:
        assert kept == "" or len(kept) in (7, 10)


@pytest.mark.storage
async def test_the_payout_date_reaches_the_content_only_when_given(runtime):
    await create_county()
    clerk = await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    sheet = payout_csv([("东湖村", "一组", "张建国", "10.00", "925.00")])
    kw = {"township_code": TOWNSHIP, "actor": clerk, "cipher": runtime.cipher, "year": 2026,
          "accept_warnings": True}
    dated = await import_payouts(sheet, "a.csv", program="耕地地力保护补贴",
                                 paid_on="2026-10-9", **kw)
    plain = await import_payouts(sheet, "b.csv", program="农机购置补贴", **kw)
    dated_batch = await PayoutBatch.get(id=dated.batch_id)
    assert dated_batch.paid_on == "2026-10-09"
    [with_date] = (await village_contents(dated_batch)).values()
    [without] = (await village_contents(await PayoutBatch.get(id=plain.batch_id))).values()
    assert with_date["paid_on"] == "2026-10-09" and "paid_on" not in without
    # Replacing the sheet without --paid-on keeps the date already given.
    await import_payouts(sheet, "a2.csv", program="耕地地力保护补贴", replace_batch=dated.batch_id,
                         **kw)
    assert (await PayoutBatch.get(id=dated.batch_id)).paid_on == "2026-10-09"
