"""WeCom customer-group messages (客户联系 · 企业群发), as the fake serves them.

Endpoints and limits, from the WeCom server API docs:

* ``POST /cgi-bin/media/upload?access_token=&type=image`` (上传临时素材, path/90253): image
  5 B..10 MB, media_id valid 3 days.
* ``POST /cgi-bin/externalcontact/add_msg_template`` (创建企业群发, path/92135):
  ``chat_type`` single|group, ``sender`` required for group, ``text.content`` ≤ 4000 bytes,
  at most 9 ``attachments`` (image / link / miniprogram / video / file). Creates a task the
  member must confirm in WeCom; returns ``msgid`` and ``fail_list``.
* ``POST /cgi-bin/externalcontact/get_groupmsg_task`` (获取群发成员发送任务列表, path/93338):
  ``task_list`` of ``{userid, status 0 未发送 | 1 已发送, send_time}``; right after creation
  the platform answers 41063 "群发消息正在被派发中，请稍后再试" for a few seconds.
* ``POST /cgi-bin/externalcontact/get_groupmsg_send_result``: ``send_list`` of
  ``{chat_id, userid, status, send_time}`` for one member.
* ``POST /cgi-bin/externalcontact/remind_groupmsg_send`` (提醒成员群发, path/97610): at most
  three reminders per task in 24 hours.

All need a valid access token (41001 missing, 40014 invalid, 42001 expired). ``tap_send``
is what the cadre's thumb does in WeCom; the dev page has a button for it.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.fake_wechat.replies import authed_json, error, token_refusal

TEXT_LIMIT = 4000
MAX_ATTACHMENTS = 9
IMAGE_LIMIT = 10 * 1024 * 1024
DISPATCH_S = 2.0  # how long a new task answers 41063 "正在被派发中"
REMINDS_PER_DAY = 3


@dataclass
class GroupTask:
    msgid: str
    sender: str
    body: dict[str, Any]
    created_at: float
    sent_at: float | None = None
    reminders: list[float] = field(default_factory=list)


class FakeCustomerGroups:
    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.members: dict[str, list[str]] = {}  # userid -> chat_ids of their customer groups
        self.tasks: dict[str, GroupTask] = {}
        self.images: dict[str, tuple[bytes, float]] = {}
        #: In the demo, whether a userid not seen yet is a registered cadre (the chat ids of
        #: their groups), as ``FakeWeChatState.robot_source`` is for robots.
        self.member_source: Callable[[str], Awaitable[list[str] | None]] | None = None

    def add_member(self, userid: str, chat_ids: list[str]) -> None:
        self.members[userid] = list(chat_ids)

    async def knows_member(self, userid: str) -> bool:
        if userid in self.members:
            return True
        chats = await self.member_source(userid) if self.member_source and userid else None
        if chats is None:
            return False
        self.add_member(userid, chats)
        return True

    def tap_send(self, msgid: str) -> bool:
        """The member opens the task in WeCom and taps 发送."""
        task = self.tasks.get(msgid)
        if task is None or task.sent_at is not None:
            return False
        task.sent_at = self._clock()
        return True

    def tasks_of(self, userid: str) -> list[GroupTask]:
        return [t for t in self.tasks.values() if t.sender == userid]




async def media_upload(request: web.Request, state: Any) -> web.Response:
    if (bad := token_refusal(request, state, "wecom")) is not None:
        return bad
    if request.query.get("type") != "image":
        return error("wecom", 40004, "invalid media type")
    try:
        reader = await request.multipart()
    except (AssertionError, ValueError, KeyError):  # not multipart/form-data
        return error("wecom", 44001, "empty media data")
    data = b""
    while (part := await reader.next()) is not None:
        if getattr(part, "name", None) == "media":
            data = await part.read()  # type: ignore[union-attr]
    if not data:
        return error("wecom", 44001, "empty media data")
    if len(data) < 5 or len(data) > IMAGE_LIMIT:
        return error("wecom", 40009, "invalid image size")
    media_id = "3" + secrets.token_urlsafe(30)
    groups = state.groups
    groups.images[media_id] = (data, groups._clock())
    return web.json_response({"errcode": 0, "errmsg": "", "type": "image", "media_id": media_id,
                              "created_at": str(int(groups._clock()))})


def _check_attachments(groups: FakeCustomerGroups, attachments: Any) -> web.Response | None:
    if not isinstance(attachments, list):
        return error("wecom", 40058, "attachments invalid. invalid Request Parameter")
    if len(attachments) > MAX_ATTACHMENTS:
        return error("wecom", 40058,
                     "attachments size exceed 9. invalid Request Parameter")
    for item in attachments:
        kind = item.get("msgtype") if isinstance(item, dict) else None
        part = item.get(kind) if kind else None
        if kind not in ("image", "link", "miniprogram", "video", "file") or not isinstance(
                part, dict):
            return error("wecom", 40008, "invalid message type")
        if kind == "image":
            stored = groups.images.get(str(part.get("media_id", "")))
            if not part.get("pic_url") and (
                    stored is None or groups._clock() - stored[1] >= 3 * 86400):
                return error("wecom", 40007, "invalid media_id")
        if kind == "link" and not (part.get("title") and part.get("url")):
            return error("wecom", 40058, "link.title or link.url missing. invalid Request "
                         "Parameter")
        if kind == "miniprogram" and not all(part.get(k) for k in
                                             ("title", "pic_media_id", "appid", "page")):
            return error("wecom", 40058, "miniprogram field missing. invalid Request Parameter")
    return None


async def add_msg_template(request: web.Request, state: Any) -> web.Response:
    body = await authed_json(request, state, "wecom")
    if isinstance(body, web.Response):
        return body
    groups: FakeCustomerGroups = state.groups
    if body.get("chat_type", "single") != "group":
        return error("wecom", 40058, "only chat_type=group is served by this fake")
    sender = str(body.get("sender", ""))
    if not await groups.knows_member(sender):
        return error("wecom", 40003, "invalid userid")
    text = body.get("text") if isinstance(body.get("text"), dict) else {}
    content = str(text.get("content", ""))
    attachments = body.get("attachments", [])
    if len(content.encode("utf-8")) > TEXT_LIMIT:
        return error("wecom", 40058, f"text.content exceed max length {TEXT_LIMIT}. invalid "
                     "Request Parameter")
    if (bad := _check_attachments(groups, attachments)) is not None:
        return bad
    if not content and not attachments:
        return error("wecom", 44004, "empty content")
    msgid = "msg" + secrets.token_urlsafe(20)
    groups.tasks[msgid] = GroupTask(msgid, sender, body, groups._clock())
    return web.json_response({"errcode": 0, "errmsg": "ok", "fail_list": [], "msgid": msgid})


def _task_or_error(groups: FakeCustomerGroups, body: dict[str, Any]
                   ) -> GroupTask | web.Response:
    task = groups.tasks.get(str(body.get("msgid", "")))
    if task is None:
        return error("wecom", 40058, "invalid msgid. invalid Request Parameter")
    if groups._clock() - task.created_at < DISPATCH_S:
        return error("wecom", 41063, "群发消息正在被派发中，请稍后再试")
    return task


async def get_groupmsg_task(request: web.Request, state: Any) -> web.Response:
    body = await authed_json(request, state, "wecom")
    if isinstance(body, web.Response):
        return body
    task = _task_or_error(state.groups, body)
    if isinstance(task, web.Response):
        return task
    status, when = (1, int(task.sent_at)) if task.sent_at is not None else (0, 0)
    return web.json_response({"errcode": 0, "errmsg": "ok", "next_cursor": "", "task_list": [
        {"userid": task.sender, "status": status, "send_time": when}]})


async def get_groupmsg_send_result(request: web.Request, state: Any) -> web.Response:
    body = await authed_json(request, state, "wecom")
    if isinstance(body, web.Response):
        return body
    groups: FakeCustomerGroups = state.groups
    task = _task_or_error(groups, body)
    if isinstance(task, web.Response):
        return task
    if str(body.get("userid", "")) != task.sender:
        return web.json_response({"errcode": 0, "errmsg": "ok", "next_cursor": "",
                                  "send_list": []})
    status, when = (1, int(task.sent_at)) if task.sent_at is not None else (0, 0)
    send_list = [{"chat_id": chat, "userid": task.sender, "status": status, "send_time": when}
                 for chat in groups.members.get(task.sender, [])]
    return web.json_response({"errcode": 0, "errmsg": "ok", "next_cursor": "",
                              "send_list": send_list})


async def remind_groupmsg_send(request: web.Request, state: Any) -> web.Response:
    body = await authed_json(request, state, "wecom")
    if isinstance(body, web.Response):
        return body
    groups: FakeCustomerGroups = state.groups
    task = groups.tasks.get(str(body.get("msgid", "")))
    if task is None:
        return error("wecom", 40058, "invalid msgid. invalid Request Parameter")
    now = groups._clock()
    task.reminders = [t for t in task.reminders if t > now - 86400]
    if len(task.reminders) >= REMINDS_PER_DAY:
        return error("wecom", 45009, "api freq out of limit, remind at most 3 times a day")
    task.reminders.append(now)
    return web.json_response({"errcode": 0, "errmsg": "ok"})


async def dev_tap_send(request: web.Request, state: Any) -> web.Response:
    """Dev page button / test hook: the cadre taps 发送 on the task."""
    if not state.groups.tap_send(request.match_info["msgid"]):
        raise web.HTTPNotFound(text="no such unsent task")
    if "application/json" in request.headers.get("Accept", ""):
        return web.json_response({"ok": True})
    raise web.HTTPSeeOther(str(request.app.router["fake_dev"].url_for()))


def setup(app: web.Application, api: Callable[..., Any], state_key: Any) -> None:
    app.router.add_post("/cgi-bin/media/upload", api("wecom", media_upload))
    base = "/cgi-bin/externalcontact/"
    app.router.add_post(base + "add_msg_template", api("wecom", add_msg_template))
    app.router.add_post(base + "get_groupmsg_task", api("wecom", get_groupmsg_task))
    app.router.add_post(base + "get_groupmsg_send_result",
                        api("wecom", get_groupmsg_send_result))
    app.router.add_post(base + "remind_groupmsg_send", api("wecom", remind_groupmsg_send))

    async def tap(request: web.Request) -> web.Response:
        return await dev_tap_send(request, request.app[state_key])

    app.router.add_post("/dev/customer-groups/{msgid}/send", tap, name="fake_dev_tap_send")
