"""The callback builds wechatpy's message classes from the dict it already parsed: the
result is what wechatpy's own ``parse_message`` gives for the same XML."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wechatpy import parse_message

from bot.mp.messages import message_from_fields
from bot.mp.view import Refused, safe_xml
from tests.bot.mp.test_callback_fuzz import messages

EXAMPLES = [
    "<xml><FromUserName>o</FromUserName><MsgType>text</MsgType><Content>帮助</Content></xml>",
    "<xml><FromUserName>o</FromUserName><MsgType>event</MsgType><Event>subscribe</Event>"
    "<EventKey>qrscene_123</EventKey></xml>",
    "<xml><FromUserName>o</FromUserName><MsgType>event</MsgType><Event>subscribe</Event>"
    "<EventKey>scanbarcode|x</EventKey></xml>",
    "<xml><FromUserName>o</FromUserName><MsgType>event</MsgType><Event>CLICK</Event>"
    "<EventKey>公示</EventKey></xml>",
    "<xml><FromUserName>o</FromUserName><MsgType>voice</MsgType>"
    "<Recognition>核验</Recognition></xml>",
    "<xml><FromUserName>o</FromUserName><MsgType>device_text</MsgType></xml>",
    "<xml><FromUserName>o</FromUserName><MsgType>device_event</MsgType>"
    "<Event>bind</Event></xml>",
    "<xml><FromUserName>o</FromUserName><MsgType>whatever</MsgType></xml>",
]


def same_as_wechatpy(raw: str) -> None:
    try:
        fields = safe_xml(raw.encode())
    except Refused:
        return   # never reaches the parser
    if not isinstance(fields.get("MsgType"), str) or not fields.get("FromUserName"):
        return
    try:
        theirs = parse_message(raw)
    except Exception as exc:
        with pytest.raises(type(exc)):
            message_from_fields(fields)
        return
    ours = message_from_fields(fields)
    assert type(ours) is type(theirs) and ours._data == theirs._data


@pytest.mark.parametrize("raw", EXAMPLES)
def test_known_messages_become_the_same_wechatpy_class(raw):
    same_as_wechatpy(raw)


@settings(max_examples=300, deadline=None)
@given(raw=messages() | st.sampled_from(EXAMPLES))
def test_any_message_becomes_what_wechatpy_would_make(raw):
    same_as_wechatpy(raw)
