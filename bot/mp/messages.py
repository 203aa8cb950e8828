"""wechatpy's ``parse_message`` without parsing the XML a second time.

The callback has already turned the XML into a dict (entities off, see ``view.safe_xml``);
wechatpy's function would parse the same bytes again (about a sixth of the callback's own
CPU). This is its dispatch (wechatpy 2.0.0a26 ``parser.parse_message``) applied to that
dict, so the message classes are still wechatpy's; a test compares the two.
"""

from __future__ import annotations

from typing import Any

from wechatpy.messages import BaseMessage
from wechatpy.parser import EVENT_TYPES, MESSAGE_TYPES, UnknownMessage


def message_from_fields(fields: dict[str, Any]) -> BaseMessage:
    """The wechatpy message for the ``<xml>`` element's fields (``MsgType`` a string)."""
    message = dict(fields)
    message_type = message["MsgType"].lower()
    if message_type != "event" and not message_type.startswith("device_"):
        return MESSAGE_TYPES.get(message_type, UnknownMessage)(message)
    event_type = message["Event"].lower() if "Event" in message else None
    if event_type is None and message_type.startswith("device_"):
        event_type = message_type
    elif message_type.startswith("device_"):
        event_type = f"device_{event_type}"
    if event_type == "subscribe" and message.get("EventKey"):
        event_key = message["EventKey"]
        if event_key.startswith(("scanbarcode|", "scanimage|")):
            event_type = message["Event"] = "subscribe_scan_product"
        elif event_key.startswith("qrscene_"):
            event_type = message["Event"] = "subscribe_scan"
            message["EventKey"] = event_key[len("qrscene_"):]
    return EVENT_TYPES.get(event_type, UnknownMessage)(message)
