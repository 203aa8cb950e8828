"""Full numbers only for a township reviewer, one row at a time, with a reason, audited."""

from __future__ import annotations

import pytest

from notices.ledgers.models import PayoutRow
from notices.ledgers.reveal import reveal_row
from notices.models import AuditEvent
from tests.builders import OTHER_TOWNSHIP, make_id
from tests.notices.lifecycle.test_workflow import _setup
from villages.errors import Forbidden, InvalidInput
from villages.models import Role

pytestmark = pytest.mark.storage


async def test_a_reviewer_sees_one_row_with_a_reason_and_it_is_audited(runtime):
    _, reviewer, _ = await _setup(runtime)
    row = await PayoutRow.get(name="张建国")
    revealed = await reveal_row(row.id, reviewer, "核实异议 Y2026000001", runtime.cipher)
    assert revealed.id_number == make_id(seq=0)
    assert make_id(seq=0) not in repr(revealed)
    event = await AuditEvent.get(action="reveal_row")
    assert event.actor == "reviewer" and event.detail["reason"] == "核实异议 Y2026000001"


async def test_clerks_other_townships_and_missing_reasons_are_refused(runtime):
    from tests.builders import create_staff
    clerk, reviewer, _ = await _setup(runtime)
    row = await PayoutRow.get(name="张建国")
    with pytest.raises(Forbidden):
        await reveal_row(row.id, clerk, "想看看", runtime.cipher)
    outsider = await create_staff("other", Role.TOWNSHIP_REVIEWER, OTHER_TOWNSHIP)
    with pytest.raises(Forbidden):
        await reveal_row(row.id, outsider, "核实一下情况", runtime.cipher)
    with pytest.raises(InvalidInput):
        await reveal_row(row.id, reviewer, " ", runtime.cipher)
    assert await AuditEvent.filter(action="reveal_row").count() == 0
