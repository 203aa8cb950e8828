"""One glossary names every role and state a person reads, in Chinese."""

from __future__ import annotations

import pytest

from notices.lifecycle.workflow import state_zh
from notices.models import NoticeState
from tests.builders import TOWNSHIP, VILLAGE_A, create_county, create_staff
from villages import glossary
from villages import services as villages
from villages.errors import Forbidden, InvalidInput
from villages.models import Role


def test_every_role_and_state_has_its_glossary_name():
    assert set(glossary.ROLE_ZH) == {r.value for r in Role}
    assert set(glossary.NOTICE_STATE_ZH) == {s.value for s in NoticeState}
    assert [state_zh(s) for s in NoticeState] == [
        "草稿", "待审核", "已审核", "公示中", "已撤回", "公示期满", "已归档"]
    assert glossary.role_zh(Role.VILLAGE_CADRE) == "村文书"


@pytest.mark.parametrize("text", ["乡镇审核人", "township_reviewer", " 乡镇审核人 "])
def test_a_role_is_read_from_its_chinese_name_or_stored_value(text):
    assert glossary.role_value(text) == "township_reviewer"


async def test_staff_are_added_by_chinese_role_and_errors_name_roles_in_chinese(db):
    await create_county()
    staff = await villages.add_staff("wang", "乡镇经办人", TOWNSHIP)
    assert staff.role == Role.TOWNSHIP_CLERK
    with pytest.raises(InvalidInput) as wrong_scope:
        await villages.add_staff("li", "村文书", TOWNSHIP)
    assert wrong_scope.value.message.startswith("村文书的范围应是一个村")
    with pytest.raises(InvalidInput) as unknown:
        await villages.add_staff("li", "乡长", TOWNSHIP)
    assert "乡镇经办人" in unknown.value.message and "township_clerk" not in unknown.value.message
    cadre = await create_staff("zhao", Role.VILLAGE_CADRE, VILLAGE_A)
    with pytest.raises(Forbidden) as refused:
        villages.check_role(cadre, Role.TOWNSHIP_REVIEWER)
    assert refused.value.message == "zhao（村文书）不能做这件事，需要角色：乡镇审核人"
