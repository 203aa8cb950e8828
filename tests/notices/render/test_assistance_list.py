"""A 低保/特困 list shows name (masked online), people covered and amount on every channel,
and nothing the register holds beyond that: no ID, bank account, phone, 村民小组 or note,
whatever the sheet carried — on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from notices.ledgers.payouts.services import import_payouts
from notices.lifecycle import workflow as lifecycle
from notices.public import pages as public
from notices.render.payout import board_doc, online_rows
from notices.render.publication import Publication, publication_of
from notices.render.robot import robot_markdown
from notices.web.responses import templates
from tests.builders import TOWNSHIP, VILLAGE_A, create_county, create_staff, make_id
from tests.pdf.readback import page_texts
from villages import services as villages
from villages.models import Role

pytestmark = pytest.mark.storage



def luhn(prefix: str) -> str:
    """``prefix`` completed with its Luhn check digit, as a real bank card number is."""
    digits = [int(d) for d in reversed(prefix)]
    total = sum(d if i % 2 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits))
    return prefix + str((10 - total % 10) % 10)


PEOPLE = [  # name, ID, bank account, phone, people, amount, note
    ("王秀兰", make_id(seq=11), luhn("622848040256489001"), "13812345678", "2", "1040.00",
     "因病致贫"),
    ("李建国", make_id(seq=12), luhn("621700287001234567"), "15937654321", "1", "520.00",
     "电话15937654321"),
    ("欧阳明月", make_id(seq=13), luhn("622202100112345678"), "18603711234", "3", "1560.00", ""),
]


def _sheet() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["村", "村民小组", "姓名", "身份证号码", "一卡通账号", "联系电话", "数量",
                     "金额", "备注"])
    for name, id_number, bank, phone, people, amount, note in PEOPLE:
        writer.writerow(["东湖村", "三组", name, id_number, bank, phone, people, amount, note])
    return out.getvalue().encode()


def _forbidden() -> list[str]:
    """Everything of the register that must never reach a channel."""
    out = ["三组", "因病致贫"]
    for _, id_number, bank, phone, *_ in PEOPLE:
        out += [id_number, id_number[-4:] + "", f"{id_number[:6]}********{id_number[-4:]}",
                bank, bank[-4:], phone]
    return [text for text in out if len(text) >= 4 or text == "三组"]


async def test_a_dibao_list_never_shows_more_than_name_people_and_amount(runtime):
    await create_county()
    clerk = await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    reviewer = await create_staff("reviewer", Role.TOWNSHIP_REVIEWER, TOWNSHIP)
    await villages.add_robot(VILLAGE_A, "东湖村村务工作群", "robot-key-donghu")
    summary = await import_payouts(_sheet(), "dibao.csv", township_code=TOWNSHIP,
                                   program="低保金", year=2026, actor=clerk,
                                   cipher=runtime.cipher, accept_warnings=True)
    village, township_summary = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    for notice in (village, township_summary):
        await lifecycle.submit(notice, clerk)
        await lifecycle.approve(notice, reviewer)
    version = await lifecycle.publish(village, reviewer, runtime.publish_context())
    content = version.content
    assert content["profile"] == "assistance"

    board = "".join(page_texts(runtime.store.read(version.pdf_file))).replace("\r\n", "")
    card = robot_markdown(content, publication_of(content, version.verify_code, "u"))
    page = await public.notice_page(version, version.period_start)
    html = templates.get_template("notice.html").render(**page)
    stored = json.dumps(content, ensure_ascii=False)
    channels = {"board": board, "card": card, "web": html, "content": stored}
    for where, text in channels.items():
        for secret in _forbidden():
            assert secret not in text, f"{secret} leaked into the {where}"

    # What each channel does show: full names on the board, masked names online, the
    # people covered and the amount everywhere.
    assert "保障人数" in board and "王秀兰" in board and "1,040.00" in board
    assert "村民小组" not in board and "备注" not in board and "身份证" not in board
    assert "王*兰" in html and "王秀兰" not in html and "欧**月" in html
    assert [(r["people"], r["amount"]) for r in page["rows"]] == [
        ("2", "1,040.00"), ("1", "520.00"), ("3", "1,560.00")]
    assert "保障人数：**6** 人" in card and "3,120.00" in card


_ID = make_id(seq=77)
_STRAY = st.sampled_from(["三组", "因病致贫", _ID, "6228480402564890018", "13812345678",
                          f"{_ID[:6]}********{_ID[-4:]}"])


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.tuples(st.text(st.sampled_from("王李张欧阳秀兰明"), min_size=2,
                                       max_size=4),
                               st.integers(1, 9), st.integers(0, 10**8), _STRAY, _STRAY),
                     min_size=1, max_size=8))
def test_an_assistance_list_renders_nothing_a_row_might_carry_beyond_its_three_fields(rows):
    """Even a row that somehow carried a group, rate or note (an older content, a bug in a
    builder) renders only name, people and amount on the board, the web page and the card."""
    content = {
        "kind": "payout_village", "profile": "assistance",
        "title": "关于2026年低保金发放情况的公示", "issuer": "城关镇人民政府",
        "intro": "", "quantity_unit": "人",
        "region": {"code": VILLAGE_A, "name": "东湖村", "township": "城关镇"},
        "rows": [{"name": name, "group": group, "quantity": str(people), "rate_fen": 1234,
                  "amount_fen": amount, "note": note}
                 for name, people, amount, group, note in rows],
        "total_fen": sum(r[2] for r in rows),
    }
    doc = board_doc(content, Publication(), draft=True)
    assert doc.columns == ("name", "quantity", "amount")
    assert [key for key in doc.column_titles] == ["name", "quantity"]
    online = online_rows(content)
    assert all(set(r) == {"name", "group", "people", "amount"} and r["group"] is None
               for r in online)
    card = robot_markdown(content, Publication(verify_code="7F3K92QD"))
    shown = json.dumps(online, ensure_ascii=False) + card
    for _, _, _, group, note in rows:
        assert group not in shown and note not in shown
