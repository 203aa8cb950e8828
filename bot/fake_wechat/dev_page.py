"""``GET /dev``: what each robot's group would show on a villager's phone.

Message content comes from whoever can call the fake, so it is treated as hostile:
``render_markdown`` escapes everything first and only then turns the few markdown
forms WeCom robots support (群机器人 markdown subset: headings, bold, links, quotes,
``<font color="info|comment|warning">``, ``<@userid>``) back into our own tags.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from aiohttp import web
from markupsafe import Markup

from bot.fake_wechat.mp_dev import mp_view
from bot.fake_wechat.state import FakeWeChatState, ReceivedMessage

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
)
_CHINA = timezone(timedelta(hours=8))

# These patterns run on html.escape()d text, hence &lt; &gt; &quot;.
_HEADING = re.compile(r"^(#{1,6}) +(.*)$")
_FONT = re.compile(r"&lt;font color=&quot;(info|comment|warning)&quot;&gt;(.*?)&lt;/font&gt;")
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")  # http(s) only: no javascript:
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_MENTION = re.compile(r"&lt;@([\w.@-]+)&gt;")
_QUOTE = "&gt;"


def _inline(escaped: str) -> str:
    text = _FONT.sub(r'<span class="font-\1">\2</span>', escaped)
    text = _LINK.sub(r'<a href="\2" rel="noopener noreferrer" target="_blank">\1</a>', text)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    return _MENTION.sub(r'<span class="mention">@\1</span>', text)


def render_markdown(content: str) -> Markup:
    """WeCom-robot markdown → safe HTML (escape first, then a few known transforms)."""
    lines: list[str] = []
    for line in content.split("\n"):
        escaped = html.escape(line, quote=True)
        if heading := _HEADING.match(escaped):
            level = len(heading.group(1))
            lines.append(f'<div class="md-h md-h{level}">{_inline(heading.group(2))}</div>')
        elif escaped.startswith(_QUOTE):
            body = escaped[len(_QUOTE) :].lstrip()
            lines.append(f'<div class="md-quote">{_inline(body)}</div>')
        elif not escaped.strip():
            lines.append('<div class="md-blank"></div>')
        else:
            lines.append(f'<div class="md-p">{_inline(escaped)}</div>')
    # Safe to mark: every fragment above was built from html.escape()d text.
    return Markup("".join(lines))


def _human_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _view(request: web.Request, message: ReceivedMessage) -> dict[str, Any]:
    router = request.app.router
    view: dict[str, Any] = {
        "kind": message.msgtype,
        "time": datetime.fromtimestamp(message.timestamp, _CHINA).strftime("%m-%d %H:%M"),
    }
    if message.msgtype == "markdown":
        view["html"] = render_markdown(message.content)
    elif message.msgtype == "text":
        view["text"] = message.content
    elif message.msgtype == "image":
        view["src"] = str(router["fake_dev_image"].url_for(seq=str(message.seq)))
    elif message.msgtype == "file" and message.media_id:
        view["filename"] = message.filename or "file"
        view["size"] = _human_size(message.size)
        view["href"] = str(router["fake_dev_media"].url_for(media_id=message.media_id))
    elif message.msgtype == "news":
        articles = json.loads(message.raw_json).get("news", {}).get("articles", [])
        view["articles"] = [
            {
                "title": str(a.get("title", "")),
                "description": str(a.get("description", "")),
                # Same rule as markdown links: only http(s) becomes clickable.
                "url": _http_url(a.get("url")),
            }
            for a in articles
            if isinstance(a, dict)
        ]
    return view


def _http_url(value: object) -> str:
    url = str(value or "")
    return url if url.startswith(("http://", "https://")) else ""


def setup(app: web.Application, state_key: web.AppKey[FakeWeChatState]) -> None:
    async def dev(request: web.Request) -> web.Response:
        state = request.app[state_key]
        robots = [
            {"name": name, "messages": [_view(request, m) for m in state.messages(key)]}
            for key, name in state.robots().items()
        ]
        members = [
            {"userid": userid, "groups": len(chats), "tasks": [
                {"time": datetime.fromtimestamp(t.created_at, _CHINA).strftime("%m-%d %H:%M"),
                 "text": str((t.body.get("text") or {}).get("content", "")),
                 "attachments": [str(a.get("msgtype", "")) for a in t.body.get("attachments", [])
                                 if isinstance(a, dict)],
                 "sent": t.sent_at is not None,
                 "send_url": str(request.app.router["fake_dev_tap_send"].url_for(
                     msgid=t.msgid))}
                for t in state.groups.tasks_of(userid)]}
            for userid, chats in state.groups.members.items()
        ]
        page = _TEMPLATES.get_template("dev.html").render(robots=robots, members=members,
                                                          mp=mp_view(state))
        return web.Response(text=page, content_type="text/html", charset="utf-8")

    async def media(request: web.Request) -> web.Response:
        stored = request.app[state_key].media(request.match_info["media_id"])
        if stored is None:
            raise web.HTTPNotFound()
        # attachment + octet-stream: a dev page must never render an uploaded file.
        disposition = f"attachment; filename*=UTF-8''{quote(stored.filename, safe='')}"
        return web.Response(
            body=stored.data,
            content_type="application/octet-stream",
            headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"},
        )

    async def image(request: web.Request) -> web.Response:
        seq = request.match_info["seq"]
        message = request.app[state_key].message_by_seq(int(seq)) if seq.isdigit() else None
        if message is None or message.msgtype != "image" or message.data is None:
            raise web.HTTPNotFound()
        kind = "image/png" if message.data.startswith(b"\x89PNG") else "image/jpeg"
        return web.Response(
            body=message.data, content_type=kind, headers={"X-Content-Type-Options": "nosniff"}
        )

    app.router.add_get("/dev", dev, name="fake_dev")
    app.router.add_get("/dev/media/{media_id}", media, name="fake_dev_media")
    app.router.add_get("/dev/image/{seq}", image, name="fake_dev_image")
