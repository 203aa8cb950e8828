"""Each delivery's messages, ready to send: the worker in ``bot/`` only sends what it gets
here, so what a channel says is decided in the domain, next to the renderers.

A robot delivery is a short list of steps (the markdown card split to fit 4096 bytes, the
board PDF as a file, page 1 as an image); a customer-group delivery is one group-message
task (text, the online image, a link card).
"""

from __future__ import annotations

from dataclasses import dataclass

from notices.delivery.forward_pack import sign
from notices.delivery.withdrawal_pack import withdrawal_token
from notices.files import FileStore
from notices.fingerprint import format_code
from notices.models import Delivery, DeliveryPurpose
from notices.render.general import pdf_display_name
from notices.render.group_text import CUSTOMER_GROUP_LIMIT_BYTES, group_text
from notices.render.images import online_page_one_png
from notices.render.publication import publication_of
from notices.render.robot import robot_markdown, split_markdown, withdrawal_markdown
from notices.render.withdrawal_text import withdrawal_text
from villages.models import ChannelKind


@dataclass(frozen=True)
class Step:
    kind: str           # "markdown" | "file" | "image"
    payload: str        # markdown text, or the file's name in the store
    filename: str = ""  # what the cadres see in the group, e.g. 东湖村…公示-0XMG-B5KS.pdf


def robot_steps(delivery: Delivery, public_url: str, pack_key: bytes = b"",
                withdrawal_pack: bool = False) -> list[Step]:
    """What one robot delivery sends, in order. ``steps_done`` counts into this list, so
    it must come out the same on every retry."""
    version = delivery.version
    if delivery.purpose == DeliveryPurpose.WITHDRAW:
        text = withdrawal_markdown(version.content, version.verify_code, version.withdrawn_reason)
        if pack_key and withdrawal_pack:  # the notice went to ordinary WeChat groups
            token = withdrawal_token(pack_key, version.id, delivery.target.region_id)
            text += (f"\n[村民微信群撤回通知（逐个群转发后点确认）]({public_url}/fw/{token})")
        return [Step("markdown", chunk) for chunk in split_markdown(text)]
    pub = publication_of(version.content, version.verify_code,
                         f"{public_url}/n/{version.verify_code}")
    card = robot_markdown(version.content, pub)
    if pack_key:
        token = sign(pack_key, version.id, delivery.target.region_id)
        card += f"\n[村民微信群转发包（文字、长图、链接）]({public_url}/f/{token})"
    shown = pdf_display_name(version.content, version.verify_code)
    return [Step("markdown", chunk) for chunk in split_markdown(card)] + [
        Step("file", version.pdf_file, shown), Step("image", version.pdf_file)
    ]


async def tells_wechat_groups(delivery: Delivery) -> bool:
    """Whether a withdrawal also has ordinary WeChat groups of this village to tell."""
    if delivery.purpose != DeliveryPurpose.WITHDRAW:
        return False
    return await Delivery.filter(
        version_id=delivery.version_id, purpose=DeliveryPurpose.WITHDRAW,
        target__kind=ChannelKind.WECHAT_GROUP,
        target__region_id=delivery.target.region_id).exists()


@dataclass(frozen=True)
class GroupTaskMessage:
    """One WeCom customer-group task: the text, an optional image, and a link card."""

    text: str
    link: dict[str, str]
    image_png: bytes = b""
    image_name: str = ""


async def group_task_message(delivery: Delivery, store: FileStore,
                             public_url: str) -> GroupTaskMessage:
    version = delivery.version
    url = f"{public_url}/n/{version.verify_code}"
    code = format_code(version.verify_code)
    if delivery.purpose == DeliveryPurpose.WITHDRAW:
        # Title, 已撤回, the reason, the code and the link - never the withdrawn list.
        text = withdrawal_text(version.content, version.verify_code,
                               version.withdrawn_reason, url, CUSTOMER_GROUP_LIMIT_BYTES)
        return GroupTaskMessage(text, {"title": f"【撤回】{version.content['title']}"[:60],
                                       "url": url, "desc": f"核验码 {code} 已撤回"})
    pub = publication_of(version.content, version.verify_code, url)
    # Villagers' groups are online: the image has masked names, unlike the board.
    return GroupTaskMessage(
        group_text(version.content, pub, CUSTOMER_GROUP_LIMIT_BYTES),
        {"title": version.content["title"][:60], "url": url, "desc": f"核验码 {code}"},
        image_png=await online_page_one_png(store, version, public_url),
        image_name=f"{version.verify_code}.png")
