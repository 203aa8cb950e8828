"""A villager's message → the reply text, through the notices and villages services.

Commands live in a registry (word → handler) with an explicit fallback: a bare village
name binds, anything else gets the help text, never silence.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace

from wechatpy.messages import BaseMessage

from bot.mp.folding import Folded, fold
from bot.mp.platform_events import handle_platform_event
from bot.mp.village_names import VillageNames
from bot.runtime import Runtime
from notices.clock import today_in_china
from notices.objections import receipts
from notices.objections import services as objections
from notices.public import pages as public
from notices.public import verification
from villages.errors import CunwuError
from villages.models import Level, MpFollower, Region

log = logging.getLogger("cunwu.mp")

Reply = str   # reply text; "" means no reply ("success")
MAX_REPLY_BYTES = 2000    # a passive text reply is cut off past ~2048 bytes
MAX_LISTED = 8

HELP = ("村务公开 可以这样用：\n"
        "· 发送村名，例如“东湖村”（或“绑定 东湖村”），绑定您的村\n"
        "· 公示 —— 查看本村正在公示的内容\n"
        "· 核验 7F3K-92QD —— 核对公告上的核验码\n"
        "· 异议 核验码 电话 内容 —— 对公示提出异议，例如\n"
        "  异议 7F3K-92QD 13912345678 我家面积是8亩\n"
        "· 查询 —— 查看您提交的异议的处理情况\n"
        "· 帮助 —— 显示本说明")
WELCOME = ("欢迎关注村务公开！\n请回复您所在的村名（例如“东湖村”），"
           "之后发送“公示”即可查看本村的公示。\n\n发送“帮助”查看全部用法。")


@dataclass(frozen=True)
class Context:
    openid: str
    runtime: Runtime
    names: VillageNames | None = None   # answers "not a village" without a query
    said: Folded | None = None   # the message as typed, for text shown to people
    rest_at: int = 0   # where the handler's ``rest`` starts in ``said.text``

    def typed(self, start: int, end: int) -> str:
        """What the villager typed for ``rest[start:end]`` (full-width punctuation kept)."""
        if self.said is None:
            return ""
        return self.said.original(self.rest_at + start, self.rest_at + end)

    @property
    def public_url(self) -> str:
        return self.runtime.config.public_url


Handler = Callable[[str, Context], Awaitable[Reply]]
COMMANDS: dict[str, Handler] = {}


@functools.cache
def _longest_first() -> tuple[str, ...]:
    """The command words, longest first (all are registered when the module is loaded)."""
    return tuple(sorted(COMMANDS, key=len, reverse=True))


def command(*words: str) -> Callable[[Handler], Handler]:
    """Register a handler under its word and the usual slips of it."""
    def register(fn: Handler) -> Handler:
        for word in words:
            COMMANDS[word] = fn
        return fn
    return register


def normalize(text: str) -> str:
    """Full-width to half-width, one space between words, no surrounding space."""
    return fold(text).text


def split_command(text: str) -> tuple[Handler | None, str]:
    lowered = text.lower()
    for word in _longest_first():
        if lowered.startswith(word):
            return COMMANDS[word], text[len(word):].strip(" :：,，")
    return None, text


async def handle_message(message: BaseMessage, runtime: Runtime,
                         names: VillageNames | None = None) -> Reply:
    if await handle_platform_event(message):   # job reports from the platform itself
        return ""
    ctx = Context(openid=str(message.source), runtime=runtime, names=names)
    kind = message.type
    if kind == "event":
        event = str(getattr(message, "event", "")).lower()
        if event.startswith("subscribe"):
            await _follower(ctx, subscribed=True)
            return WELCOME
        if event == "unsubscribe":
            await MpFollower.filter(openid=ctx.openid).update(subscribed=False)
            return ""
        if event == "click" and getattr(message, "key", ""):   # menu buttons send a command
            return await handle_text(str(message.key), ctx)
        return ""
    if kind == "text":
        return await handle_text(str(message.content), ctx)
    if kind == "voice" and getattr(message, "recognition", None):
        return await handle_text(str(message.recognition), ctx)
    return HELP


async def handle_text(raw: str, ctx: Context) -> Reply:
    said = fold(raw)
    text = said.text
    handler, rest = split_command(text)
    try:
        if handler is not None:
            rest_at = text.rfind(rest) if rest else len(text)
            ctx = replace(ctx, said=said, rest_at=rest_at)
            return fit(await handler(rest, ctx))
        return fit(await fallback(text, ctx))
    except CunwuError as exc:
        return exc.message


def fit(text: str) -> str:
    data = text.encode("utf-8")
    if len(data) <= MAX_REPLY_BYTES:
        return text
    return data[:MAX_REPLY_BYTES - 6].decode("utf-8", "ignore") + "……"


async def fallback(text: str, ctx: Context) -> Reply:
    """A bare village name binds; anything else gets the help text."""
    if 2 <= len(text) <= 20 and " " not in text:
        if ctx.names is not None and not await ctx.names.might_match(text):
            return HELP
        matches = await find_villages(text)
        if matches:
            return await _bind(matches, text, ctx)
    return HELP


# -- binding ------------------------------------------------------------------------------
async def _follower(ctx: Context, *, subscribed: bool | None = None) -> MpFollower:
    follower, _ = await MpFollower.get_or_create(openid=ctx.openid)
    if subscribed is not None and follower.subscribed != subscribed:
        follower.subscribed = subscribed
        await follower.save(update_fields=["subscribed"])
    return follower


async def find_villages(name: str) -> list[tuple[Region, Region | None]]:
    """Villages called ``name`` (or ``name``村), or ``乡镇名村名`` spelled out in full."""
    name = name.replace(" ", "")
    candidates = [name] if name.endswith("村") else [name, name + "村"]
    found = await Region.filter(level=Level.VILLAGE, name__in=candidates).order_by("code")
    township_name = ""
    if not found:
        parts = re.match(r"^(.+?(?:镇|乡|街道))(.+)$", name)
        if parts:
            township_name, village = parts.groups()
            village_names = [village] if village.endswith("村") else [village, village + "村"]
            found = await Region.filter(level=Level.VILLAGE, name__in=village_names,
                                        parent__name=township_name).order_by("code")
    parents = {r.id: r for r in await Region.filter(id__in={v.parent_id for v in found})}
    return [(v, parents.get(v.parent_id)) for v in found]


def full_name(village: Region, township: Region | None) -> str:
    return f"{township.name}{village.name}" if township else village.name


async def _bind(matches: list[tuple[Region, Region | None]], asked: str, ctx: Context) -> Reply:
    if len(matches) > 1:
        names = " / ".join(full_name(v, t) for v, t in matches[:10])
        example = full_name(*matches[0])
        return (f"有{len(matches)}个村叫“{matches[0][0].name}”：{names}\n"
                f"请回复带乡镇的全名，例如“绑定 {example}”。")
    village, township = matches[0]
    follower = await _follower(ctx, subscribed=True)
    follower.village_id = village.id
    await follower.save(update_fields=["village_id"])
    return (f"已绑定 {full_name(village, township)}。\n"
            f"发送“公示”查看本村正在公示的内容，发送“帮助”查看全部用法。")


@command("绑定", "綁定", "切换", "我是")
async def bind(rest: str, ctx: Context) -> Reply:
    if not rest:
        return "请在“绑定”后面写上村名，例如“绑定 东湖村”。"
    matches = await find_villages(rest)
    if not matches:
        return f"没有找到“{rest[:20]}”，请核对村名，或写上乡镇，例如“绑定 城关镇东湖村”。"
    return await _bind(matches, rest, ctx)


# -- notices ------------------------------------------------------------------------------
@command("公示", "公式", "公告", "看公示")
async def live_notices(rest: str, ctx: Context) -> Reply:
    follower = await MpFollower.get_or_none(openid=ctx.openid)
    if follower is None or follower.village_id is None:
        return "您还没有绑定村。请先回复您的村名，例如“东湖村”。"
    village = await Region.get(id=follower.village_id)
    page = await public.village_page(village.code)
    name = full_name(village, page["parent"])
    link = f"{ctx.public_url}/v/{village.code}"
    items = page["items"]
    if not items:
        return f"{name}目前没有正在公示的内容。\n全部公示：{link}"
    lines = [f"{name}正在公示（{len(items)}项）："]
    for index, item in enumerate(items[:MAX_LISTED], 1):
        mark = "（已更正）" if item["corrected"] else ""
        total = f"{item['total_text']}，" if item["total_text"] else ""
        lines.append(f"{index}. {item['title']}{mark}\n   {total}"
                     f"公示至{item['period_end']}\n   {ctx.public_url}{item['url']}")
    if len(items) > MAX_LISTED:
        lines.append(f"……还有{len(items) - MAX_LISTED}项")
    lines.append(f"全部公示：{link}")
    return "\n".join(lines)


@command("核验", "核对", "查验", "验证", "核验码")
async def verify(rest: str, ctx: Context) -> Reply:
    if not rest:
        return "请在“核验”后面写上公告上的核验码，例如“核验 7F3K-92QD”。"
    check = await verification.verify(rest)
    link = f"{ctx.public_url}/n/{check.code.replace('-', '')}"
    head = (f"核验码 {check.code}：{check.status_zh}\n{check.title}\n{check.region}，"
            f"第{check.version}版，{check.published_on}发布，"
            f"公示期 {check.period_start} 至 {check.period_end}"
            + (f"，{check.total_text}" if check.total_text else ""))
    lines = [head]
    if not check.intact:
        lines.append("警告：存档内容与发布时的指纹不一致，请联系乡镇核实。")
    if check.status == "superseded":
        lines.append(f"已被更正，现行版本核验码 {check.superseded_by}"
                     + (f"，更正原因：{check.reason}" if check.reason else ""))
    elif check.status == "withdrawn":
        lines.append("已撤回" + (f"，原因：{check.reason}" if check.reason else ""))
    lines.append(f"查看：{link}")
    return "\n".join(lines)


# -- objections ---------------------------------------------------------------------------
_PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")


@command("异议", "异义", "意见", "提异议")
async def object_to(rest: str, ctx: Context) -> Reply:
    words = rest.split(" ", 2)
    if len(words) < 3:
        return ("请按“异议 核验码 电话 内容”发送，例如：\n"
                "异议 7F3K-92QD 13912345678 我家面积是8亩，公示只有7亩")
    code, phone, text = words
    start, end = len(code) + len(phone) + 2, len(rest)
    if not _PHONE.match(phone) and _PHONE.match(text.rsplit(" ", 1)[-1]):
        last = text.rsplit(" ", 1)[-1]
        text, phone = f"{phone} {text.rsplit(' ', 1)[0]}", last
        start, end = len(code) + 1, len(rest) - len(last) - 1
    text = ctx.typed(start, end) or text  # the villager's words as typed: ，。 stay full-width
    filed = await objections.raise_objection(
        code, text, phone, channel="mp", cipher=ctx.runtime.cipher,
        today=today_in_china(), openid=ctx.openid)
    objection = filed.objection   # no receipt in the reply: 查询 goes by this openid
    return (f"已收到您的异议，编号 {objection.number}。\n"
            f"乡镇将在{objection.due_on.isoformat()}前电话答复您。\n"
            f"发送“查询”查看处理情况（只有本微信号能查到）。")


@command("查询", "查寻", "进度", "查异议")
async def look_up(rest: str, ctx: Context) -> Reply:
    cipher = ctx.runtime.cipher
    if not rest:   # the follower's own objections: nobody else's can be listed here
        views = await receipts.filed_by(ctx.openid, cipher)
        if not views:
            return "您还没有用这个微信号提交过异议。查询网页上提交的异议，请打开回执上的链接。"
        return "\n\n".join(_objection_text(v) for v in views)
    return _objection_text(await receipts.lookup_filed_by(rest.replace(" ", ""), ctx.openid,
                                                          cipher))


def _objection_text(view: receipts.ObjectionView) -> str:
    answer = view.answer or ("已直接答复您本人" if view.answered_privately else "暂无")
    return (f"异议 {view.number}：{view.status_zh}\n公示：{view.notice_title}"
            f"（{view.verify_code}）\n提出：{view.raised_on}，答复期限：{view.due_on}\n"
            f"答复：{answer}")


@command("帮助", "help", "?", "菜单", "说明")
async def show_help(rest: str, ctx: Context) -> Reply:
    return HELP


# -- which messages change something ------------------------------------------------------
READ_ONLY: frozenset[Handler] = frozenset({show_help, verify, look_up, live_notices})


async def changes_state(message: BaseMessage, names: VillageNames | None = None) -> bool:
    """False when handling ``message`` only reads (help, 公示, 核验, 查询, unknown text).

    Those need no claim shared by the web processes: a retry that reaches another process
    reads the same rows and gives the same answer. Everything else (objections, binding,
    subscribe events, the platform's job reports) is claimed first, so it happens once.
    """
    kind = message.type
    if kind == "text":
        text = str(message.content)
    elif kind == "voice" and getattr(message, "recognition", None):
        text = str(message.recognition)
    elif kind == "event":
        event = str(getattr(message, "event", "")).lower()
        if event != "click" or not getattr(message, "key", ""):
            return True
        text = str(message.key)
    else:
        return False   # the help text
    text = normalize(text)
    handler, _ = split_command(text)
    if handler is not None:
        return handler not in READ_ONLY
    if 2 <= len(text) <= 20 and " " not in text:   # the fallback may bind to a village
        return names is None or await names.might_match(text)
    return False
