"""Staff see a villager's objection as written, with the phone to call back, only through
the audited reveal: in scope, with a reason, recorded before anything is shown."""

from __future__ import annotations

import pytest

from notices.models import AuditEvent
from notices.objections import services as objections
from notices.objections.reveal import reveal_objection
from tests.builders import OTHER_TOWNSHIP, VILLAGE_A, create_staff, make_id
from tests.notices.objections.test_services import CONTACT, published  # noqa: F401 (fixture)
from villages.errors import Forbidden, InvalidInput, NotFound
from villages.models import Role

pytestmark = pytest.mark.storage


async def test_the_reveal_shows_text_and_contact_after_recording_who_and_why(
        runtime, published):  # noqa: F811
    clerk, version = published
    text = f"我的身份证{make_id()} 为什么名单上没有我"
    filed = await objections.raise_objection(version.verify_code, text, CONTACT, channel="board",
                                             cipher=runtime.cipher, today=version.period_start)
    number = filed.objection.number
    with pytest.raises(InvalidInput, match="理由"):
        await reveal_objection(number, clerk, "  ", runtime.cipher)
    outsider = await create_staff("liuhe", Role.TOWNSHIP_CLERK, OTHER_TOWNSHIP)
    cadre = await create_staff("cadre", Role.VILLAGE_CADRE, VILLAGE_A)
    for who in (outsider, cadre):
        with pytest.raises(Forbidden):
            await reveal_objection(number, who, "电话答复村民", runtime.cipher)
    with pytest.raises(NotFound):
        await reveal_objection("Y2026" + "9" * 20, clerk, "电话答复村民", runtime.cipher)
    assert await AuditEvent.filter(action="reveal_objection").count() == 0
    shown = await reveal_objection(number.lower(), clerk, "电话答复村民", runtime.cipher)
    assert (shown.text, shown.contact) == (text, CONTACT)
    assert make_id() not in repr(shown) and CONTACT not in repr(shown)
    event = await AuditEvent.get(action="reveal_objection")
    assert event.actor == "clerk" and event.detail == {"reason": "电话答复村民"}
