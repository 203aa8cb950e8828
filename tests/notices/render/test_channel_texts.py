"""The privacy gate reads each channel's text as villagers will: the robot card, the forward
pack's text, the customer-group message and every text of a withdrawal."""

from __future__ import annotations

from datetime import date

import pytest

from notices.privacy.gate import check_texts
from notices.render.channel_texts import publication_texts, withdrawal_texts
from notices.render.publication import Publication
from villages.errors import CheckFailed

PUB = Publication(verify_code="7F3K92QD", url="https://cunwu.example.cn/n/7F3K92QD",
                  period_start=date(2026, 11, 22), period_end=date(2026, 11, 28),
                  supervision_phone="0376-7712345")
CONTENT = {"kind": "payout_village", "title": "补贴发放公示（联系人 一三一 五九二一 二三六三）",
           "total_fen": 100, "region": {"township": "城关镇", "name": "东湖村"},
           "rows": [{"name": "张建国", "group": "", "quantity": "", "amount_fen": 100,
                     "rate_fen": None, "note": ""}]}


def test_every_publication_channel_is_read_and_each_names_its_place():
    texts = publication_texts(CONTENT, PUB)
    assert [where for where, _ in texts] == ["群机器人消息", "微信群转发包文字", "客户群消息"]
    with pytest.raises(CheckFailed) as caught:
        check_texts(texts, frozenset({"0376-7712345"}))
    hits = caught.value.details["hits"]
    assert {h["where"] for h in hits} == {"群机器人消息", "微信群转发包文字", "客户群消息"}
    assert all(h["text"] == "131****2363" for h in hits)


def test_a_withdrawal_reason_is_read_in_every_place_it_is_shown():
    reason = "卡号 6228 4828 0700 1594 502 写错"
    texts = withdrawal_texts(CONTENT | {"title": "补贴发放公示"}, "7F3K92QD", reason, "/n/x")
    with pytest.raises(CheckFailed) as caught:
        check_texts(texts, frozenset())
    assert [h["where"] for h in caught.value.details["hits"]] == [
        "撤回原因", "群机器人撤回消息", "微信群撤回文字", "客户群撤回消息"]
    check_texts(withdrawal_texts(CONTENT | {"title": "补贴发放公示"}, "7F3K92QD",
                                 "批次重复导入，整批作废", "/n/x"), frozenset())
