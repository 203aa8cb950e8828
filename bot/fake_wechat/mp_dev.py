"""The official account on the dev page: what a follower's phone shows — the articles the
account published or mass-sent, customer-service messages, and the menu at the bottom.

Article HTML comes from whoever called ``draft/add``, so it is rebuilt from a whitelist
(p, h3, br, strong, a with an http(s) href); everything else is dropped or escaped.
"""

from __future__ import annotations

import html
from datetime import datetime
from html.parser import HTMLParser
from typing import Any

from markupsafe import Markup

from bot.fake_wechat.mp_state import CHINA
from bot.fake_wechat.state import FakeWeChatState

_ALLOWED = {"p", "h3", "br", "strong", "a"}


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED:
            return
        if tag == "br":
            self.out.append("<br>")
            return
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if not href.startswith(("http://", "https://")):
                return
            self.out.append(f'<a href="{html.escape(href, quote=True)}" '
                            'rel="noopener noreferrer" target="_blank">')
        else:
            self.out.append(f"<{tag}>")
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.open:
            while self.open:
                last = self.open.pop()
                self.out.append(f"</{last}>")
                if last == tag:
                    break

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data))


def article_html(content: str) -> Markup:
    parser = _Sanitizer()
    parser.feed(content)
    parser.close()
    closing = "".join(f"</{t}>" for t in reversed(parser.open))
    return Markup("".join(parser.out) + closing)  # rebuilt from whitelisted, escaped parts


def _time(at: float) -> str:
    return datetime.fromtimestamp(at, CHINA).strftime("%m-%d %H:%M")


def mp_view(state: FakeWeChatState) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    for pub in state.mp.publications:
        for article in pub.articles:
            items.append({"at": pub.at, "time": _time(pub.at), "kind": "article",
                          "how": "群发" if pub.how == "mass" else "发布",
                          "reach": f"推送给 {pub.recipients} 位关注者" if pub.how == "mass"
                          else "已发布到公众号文章列表（不推送）",
                          "title": str(article.get("title", "")),
                          "html": article_html(str(article.get("content", "")))})
    for message in state.mp.custom:
        items.append({"at": message.at, "time": _time(message.at), "kind": "custom",
                      "to": message.openid,
                      "text": str(message.body.get("text", {}).get("content", ""))})
    items.sort(key=lambda i: i["at"])
    buttons = (state.mp.menu or {}).get("button", [])
    return {"posts": items,
            "menu": [{"name": str(b.get("name", "")),
                      "subs": [str(s.get("name", "")) for s in b.get("sub_button") or []]}
                     for b in buttons if isinstance(b, dict)]}
