"""County settings clerks change go through one service: checked, stored, and audited with
before/after; the settings take effect where they are used — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from notices.audit import find_broken_link
from notices.clock import today_in_china
from notices.county import settings as county_settings
from notices.kinds.general import create_general_notice, load_notice_yaml
from notices.ledgers.payouts.services import import_payouts
from notices.lifecycle import workflow as lifecycle
from notices.models import AuditEvent, NoticeVersion
from notices.objections import services as objections
from tests.builders import (
    OTHER_TOWNSHIP,
    SUPERVISION_PHONES,
    TOWNSHIP,
    VILLAGE_A,
    create_staff,
    payout_csv,
)
from tests.notices.kinds.test_general import YAML, _staff, _write
from tests.notices.lifecycle.test_workflow import ROWS
from villages.errors import CheckFailed, Forbidden, InvalidInput, NotFound
from villages.models import Region, Role

pytestmark = pytest.mark.storage


async def _batch(runtime, clerk):
    return await import_payouts(payout_csv(ROWS, total="1919.38"), "sheet.csv",
                                township_code=TOWNSHIP, program="耕地地力保护补贴", year=2026,
                                actor=clerk, cipher=runtime.cipher)


async def _admin():
    return await create_staff("countyadmin", Role.COUNTY_ADMIN, "419901000000")


async def test_a_change_is_audited_with_before_and_after_and_a_repeat_writes_nothing(db):
    await _staff()
    admin = await _admin()
    assert await county_settings.set_setting("objection_answer_days", "15", admin) == ("10", "15")
    assert await county_settings.set_setting("objection_answer_days", "15", admin) == ("15", "15")
    events = await AuditEvent.filter(action="set_setting")
    assert [(e.subject, e.detail) for e in events] == [
        ("setting:objection_answer_days", {"before": "10", "after": "15"})]
    assert await find_broken_link() is None


@pytest.mark.parametrize(("key", "value", "says"), [
    ("objection_answer_days", "0", "1…30"),
    ("objection_answer_days", "十", "1…30"),
    ("personal_list_grace_days", "365", "0…90"),
    ("official_numbers", "12345,110101199003074578", "不像公开的电话号码"),
])
async def test_bad_values_are_refused_naming_the_setting_and_nothing_changes(db, key, value,
                                                                             says):
    await _staff()
    admin = await _admin()
    with pytest.raises(InvalidInput) as caught:
        await county_settings.set_setting(key, value, admin)
    assert key in caught.value.message and says in caught.value.message
    assert await AuditEvent.filter(action="set_setting").count() == 0


async def test_who_may_change_what(db):
    clerk, reviewer = await _staff()
    with pytest.raises(Forbidden):
        await county_settings.set_setting("objection_answer_days", "15", clerk)
    with pytest.raises(NotFound) as caught:
        await county_settings.set_setting("nonsense", "1", clerk)
    assert "objection_answer_days" in caught.value.message
    # A 监督电话 is whitelisted on the township's notices: a clerk or reviewer could make a
    # villager's mobile printable with it, so only the county admin sets it (issue §4).
    for staff in (clerk, reviewer):
        with pytest.raises(Forbidden):
            await county_settings.set_setting(f"supervision_phone.{TOWNSHIP}", "0376-1111111",
                                              staff)
    assert (await Region.get(code=TOWNSHIP)).supervision_phone == SUPERVISION_PHONES[TOWNSHIP]
    before, after = await county_settings.set_setting(
        f"supervision_phone.{TOWNSHIP}", "0376-7719999", await _admin())
    assert (before, after) == (SUPERVISION_PHONES[TOWNSHIP], "0376-7719999")
    assert (await Region.get(code=TOWNSHIP)).supervision_phone == "0376-7719999"
    event = await AuditEvent.get(action="set_setting",
                                 subject=f"setting:supervision_phone.{TOWNSHIP}")
    assert event.actor == "countyadmin" and event.detail["after"] == "0376-7719999"


@pytest.mark.parametrize("key", [f"supervision_phone.{TOWNSHIP}", "official_numbers"])
async def test_a_mobile_is_a_contact_number_only_when_the_admin_marks_it_an_office_number(
        db, key):
    await _staff()
    admin = await _admin()
    with pytest.raises(InvalidInput) as caught:
        await county_settings.set_setting(key, "13912345678", admin)
    assert "--office-mobile" in caught.value.message
    assert "13912345678" not in caught.value.message   # masked, like every number in errors
    assert await AuditEvent.filter(action="set_setting").count() == 0
    await county_settings.set_setting(key, "13912345678", admin, office_mobile=True)
    event = await AuditEvent.get(action="set_setting", subject=f"setting:{key}")
    assert event.detail["after"] == "13912345678" and event.detail["office_mobile"] is True
    vouched = await AuditEvent.get(action="set_setting", subject="setting:office_mobiles")
    assert vouched.actor == "countyadmin" and vouched.detail["after"] == "13912345678"


async def test_a_mobile_set_before_the_rule_is_not_whitelisted_until_the_admin_vouches(
        runtime):
    clerk, reviewer = await _staff()
    mobile = "13937612345"   # a clerk's entry from before: maybe a villager's own phone
    await Region.filter(code=TOWNSHIP).update(supervision_phone=mobile)
    township = await Region.get(code=TOWNSHIP)
    assert mobile not in await county_settings.whitelisted_numbers(township)
    notices = await lifecycle.create_payout_notices(
        (await _batch(runtime, clerk)).batch_id, clerk)
    await lifecycle.submit(notices[0], clerk)
    await lifecycle.approve(notices[0], reviewer)
    with pytest.raises(CheckFailed) as caught:
        await lifecycle.publish(notices[0], reviewer, runtime.publish_context())
    assert "--office-mobile" in caught.value.message and mobile not in caught.value.message
    await county_settings.set_setting(f"supervision_phone.{TOWNSHIP}", mobile, await _admin(),
                                      office_mobile=True)
    assert mobile in await county_settings.whitelisted_numbers(township)
    await lifecycle.publish(notices[0], reviewer, runtime.publish_context())


async def test_answer_days_set_the_due_date_of_new_objections(runtime, tmp_path):
    clerk, reviewer = await _staff()
    await county_settings.set_setting("objection_answer_days", "5", await _admin())
    notice = await create_general_notice(
        load_notice_yaml(_write(tmp_path, YAML.format(region=VILLAGE_A))), clerk, runtime.store)
    await lifecycle.submit(notice, clerk)
    await lifecycle.approve(notice, reviewer)
    version = await lifecycle.publish(notice, reviewer, runtime.publish_context())
    today = today_in_china()
    filed = await objections.raise_objection(
        version.verify_code, "请问低保户怎么缴费", "13912345678", channel="web",
        cipher=runtime.cipher, today=today)
    assert filed.objection.due_on == today + timedelta(days=5)


async def test_a_whitelisted_official_number_may_be_printed_and_others_may_not(runtime,
                                                                              tmp_path):
    clerk, reviewer = await _staff()
    body = YAML.format(region=VILLAGE_A).replace("比上年增加20元", "咨询请拨打县医保局 13800138000")
    notice = await create_general_notice(load_notice_yaml(_write(tmp_path, body)), clerk,
                                         runtime.store)
    await lifecycle.submit(notice, clerk)
    with pytest.raises(CheckFailed):
        await lifecycle.approve(notice, reviewer)
    await county_settings.set_setting("official_numbers", "12345, 13800138000", await _admin(),
                                      office_mobile=True)
    await lifecycle.approve(notice, reviewer)
    await lifecycle.publish(notice, reviewer, runtime.publish_context())
    assert await NoticeVersion.filter(notice_id=notice.id).count() == 1


async def test_a_township_phone_is_whitelisted_only_on_that_townships_notices(runtime,
                                                                              tmp_path):
    clerk, reviewer = await _staff()
    admin = await _admin()
    mobile = "13937612345"   # an office mobile: the only kind of 监督电话 the scan would stop
    await county_settings.set_setting(f"supervision_phone.{OTHER_TOWNSHIP}", mobile, admin,
                                      office_mobile=True)
    body = YAML.format(region=VILLAGE_A).replace("比上年增加20元", f"咨询请拨打 {mobile}")
    notice = await create_general_notice(load_notice_yaml(_write(tmp_path, body)), clerk,
                                         runtime.store)
    await lifecycle.submit(notice, clerk)
    with pytest.raises(CheckFailed):   # 柳河镇's number on a 城关镇 notice
        await lifecycle.approve(notice, reviewer)
    await county_settings.set_setting(f"supervision_phone.{TOWNSHIP}", mobile, admin,
                                      office_mobile=True)
    await lifecycle.approve(notice, reviewer)
    version = await lifecycle.publish(notice, reviewer, runtime.publish_context())
    assert version.content["supervision_phone"] == mobile


def test_every_county_setting_is_in_the_readme_table():
    readme = (Path(__file__).parents[3] / "README.md").read_text("utf-8")
    missing = [s.key for s in county_settings.COUNTY_SETTINGS if f"| `{s.key}` |" not in readme]
    assert not missing
