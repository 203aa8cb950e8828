"""A fake WeChat / WeCom server (aiohttp) on the real paths and errcodes, for the demo
(mounted at ``/_fake/wechat``) and for tests (standalone on a random port)."""

from bot.fake_wechat.app import FAKE_STATE, create_fake_wechat_app
from bot.fake_wechat.dev_page import render_markdown
from bot.fake_wechat.state import FakeWeChatState, ReceivedMessage, StoredMedia

__all__ = [
    "FAKE_STATE",
    "FakeWeChatState",
    "ReceivedMessage",
    "StoredMedia",
    "create_fake_wechat_app",
    "render_markdown",
]
