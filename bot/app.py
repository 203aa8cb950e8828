"""The aiohttp application: one ``create_app``, every resource in ``cleanup_ctx``."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
from aiohttp import web
from aiohttp.abc import AbstractAccessLogger

from bot import mp
from bot.db import close_database, open_database
from bot.dev_page_guard import dev_page_guard
from bot.mp.app_parts import digest_worker, fake_official_account
from bot.runtime import Runtime, build_runtime
from bot.settings import Config
from bot.wechat.customer_group import CustomerGroupClient
from bot.wechat.robot import WeComRobotClient
from bot.wechat.wecom_api import WeComApi
from bot.worker import DeliveryWorker
from notices.audit_anchors import ANCHOR_FILE
from notices.clock import now_in_china
from notices.delivery import outbox
from notices.delivery.forward_pack import pack_key
from notices.web import console_views, forward_views, import_api, print_views, withdrawal_views
from notices.web import public_views as notice_views
from notices.web.responses import STATIC_DIR, error_middleware
from villages.models import ChannelKind, ChannelTarget

log = logging.getLogger("cunwu.app")
RUNTIME = web.AppKey("runtime", Runtime)
WORKER = web.AppKey("worker", DeliveryWorker)
#: The fake WeChat's state in fake mode (a FakeWeChatState, imported only in that mode).
FAKE_WECHAT: web.AppKey[Any] = web.AppKey("fake_wechat")


# Every response, pages and errors and files alike. No page has inline script (the copy
# buttons load /static/copy-buttons.js), so script-src is 'self' only; inline style stays
# allowed (the templates' <style> blocks carry no data a client controls). No page may be
# framed (clickjacking the confirm buttons of a forward pack), and no Referer leaves a page:
# the addresses of forward packs and withdrawal packs are their keys.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
}


@web.middleware
async def security_headers(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:  # redirects and aiohttp's own errors are raised
        exc.headers.update(SECURITY_HEADERS)
        raise
    if not response.prepared:  # a streamed response has sent its headers already
        response.headers.update(SECURITY_HEADERS)
    return response


class PathOnlyAccessLogger(AbstractAccessLogger):
    """Access log without query strings: a robot webhook key travels as ``?key=``."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        self.logger.info("%s %s %s %d %.0fms", request.remote, request.method, request.path,
                         response.status, time * 1000)


@contextlib.asynccontextmanager
async def worker_session(runtime: Runtime) -> AsyncIterator[DeliveryWorker]:
    timeout = aiohttp.ClientTimeout(total=15)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        yield build_worker(runtime, session)


def build_worker(runtime: Runtime, session: aiohttp.ClientSession, *,
                 timeout_s: float = 10) -> DeliveryWorker:
    """The worker with every channel client, on one shared HTTP session."""
    config = runtime.config
    robot = WeComRobotClient(session, base_url=config.wecom_api_base, timeout_s=timeout_s)
    api = WeComApi(session, config.wecom_api_base, config.wecom_corpid, config.wecom_secret,
                   timeout_s=timeout_s)
    return DeliveryWorker(robot, runtime.store, public_url=config.public_url,
                          lease_s=config.delivery_lease, groups=CustomerGroupClient(api),
                          pack_key=pack_key(runtime.secrets.lookup_key),
                          poll_s=config.group_poll, remind_after_s=config.group_remind_after,
                          anchors=config.home / ANCHOR_FILE)


def create_app(config: Config, *, with_worker: bool = True,
               open_db: bool = True) -> web.Application:
    """The service. ``open_db=False`` is for callers that already hold the connection."""
    app = web.Application(middlewares=[security_headers, error_middleware],
                          client_max_size=25 * 1024 * 1024)
    runtime = build_runtime(config)
    app[RUNTIME] = runtime
    notice_views.setup(app, runtime)
    mp.setup(app, runtime)  # the official account's callback, /wechat/mp
    forward_views.setup(app, pack_key(runtime.secrets.lookup_key), config.public_url)
    withdrawal_views.setup(app)  # /fw/<token>: the withdrawal pack for WeChat groups
    import_api.setup(app, runtime)  # /api/import/payouts, /api/import/finance
    console_views.setup(app, runtime)  # /console: the clerk's import console
    print_views.setup(app)  # /console/print/<code>.pdf: the full-name board, staff only
    app.router.add_get("/healthz", healthz)
    app.router.add_static("/static/", STATIC_DIR)  # the pages' scripts

    async def database(app: web.Application) -> AsyncIterator[None]:
        await open_database(config.database_url)
        yield
        await close_database()

    if open_db:
        app.cleanup_ctx.append(database)

    if config.wechat_mode == "fake":
        from bot.fake_wechat import FAKE_STATE, create_fake_wechat_app
        fake = create_fake_wechat_app()
        app.add_subapp("/_fake/wechat", fake)
        app[FAKE_WECHAT] = fake[FAKE_STATE]

        async def register_robots(app: web.Application) -> AsyncIterator[None]:
            # In the fake world every registered robot exists, as if its cadre made it.
            state = fake[FAKE_STATE]
            for target in await ChannelTarget.filter(kind=ChannelKind.WECOM_ROBOT, active=True):
                state.add_robot(target.address, target.name)
            state.robot_source = _registered_robot_name
            state.add_corp(config.wecom_corpid, config.wecom_secret)
            for target in await ChannelTarget.filter(kind=ChannelKind.WECOM_CUSTOMER_GROUP,
                                                     active=True):
                state.groups.add_member(target.address, _demo_chats(target.address))
            state.groups.member_source = _registered_cadre_chats
            yield

        app.cleanup_ctx.append(register_robots)
        app.cleanup_ctx.append(fake_official_account(fake[FAKE_STATE], config))
        app.router.add_get("/dev/wechat", _redirect_to_fake_dev)
        if not config.demo:
            app.middlewares.append(dev_page_guard)

    app.on_startup.append(_freeze_heap)  # after the database (cleanup_ctx) is up

    if with_worker:
        async def delivery_worker(app: web.Application) -> AsyncIterator[None]:
            stop = asyncio.Event()
            async with worker_session(runtime) as worker:
                app[WORKER] = worker
                task = asyncio.create_task(worker.run_forever(config.worker_interval, stop))
                yield
                stop.set()
                await task

        app.cleanup_ctx.append(delivery_worker)
        app.cleanup_ctx.append(digest_worker(config))
    return app


async def _registered_robot_name(key: str) -> str | None:
    """The fake's robots follow the database: one registered later is known at first use."""
    target = await ChannelTarget.get_or_none(kind=ChannelKind.WECOM_ROBOT, address=key,
                                             active=True)
    return None if target is None else target.name


def _demo_chats(userid: str) -> list[str]:
    return [f"wr{userid}-{n}" for n in (1, 2)]  # two customer groups per demo cadre


async def _registered_cadre_chats(userid: str) -> list[str] | None:
    """Likewise a cadre whose customer groups were registered after start-up."""
    known = await ChannelTarget.exists(kind=ChannelKind.WECOM_CUSTOMER_GROUP, address=userid,
                                       active=True)
    return _demo_chats(userid) if known else None


async def _freeze_heap(app: web.Application) -> None:
    """Move everything alive after start-up (modules, ORM metadata, templates, migration
    state) out of the garbage collector's sight: otherwise each full collection walks it
    all again and stalls every request in flight by 100+ ms (measured in bench/)."""
    gc.collect()
    gc.freeze()


HEALTH_QUERY_TIMEOUT_S = 3.0


async def healthz(request: web.Request) -> web.Response:
    """For load balancers and monitoring: 200 when the database answers, 503 when it does
    not; with the age of the oldest delivery still queued, so a stalled worker shows."""
    try:
        age = await asyncio.wait_for(outbox.oldest_queued_age_s(now_in_china()),
                                     HEALTH_QUERY_TIMEOUT_S)
    except Exception as exc:  # any driver's error, or no answer in time: not healthy
        # The driver's message may carry the database URL (a password): log its type only.
        log.warning("healthz: database did not answer (%s)", type(exc).__name__)
        return web.json_response({"ok": False, "database": "数据库无响应"}, status=503,
                                 dumps=_dumps)
    return web.json_response({"ok": True, "database": "ok",
                              "oldest_queued_delivery_s": None if age is None else round(age)},
                             dumps=_dumps)


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


async def _redirect_to_fake_dev(request: web.Request) -> web.StreamResponse:
    raise web.HTTPFound("/_fake/wechat/dev")


def run_server(config: Config, *, host: str, port: int, with_worker: bool) -> None:
    if with_worker and not config.is_sqlite:
        log.info("PostgreSQL: run `cunwu worker` processes for deliveries as well")
    app = create_app(config, with_worker=with_worker)
    fake = config.wechat_mode == "fake"
    print(f"Cunwu 村务公开 serving on http://{host}:{port}/, links point to "
          f"{config.public_url}/" + (f"  (fake WeChat: {config.public_url}/dev/wechat)"
                                     if fake else ""), flush=True)
    web.run_app(app, host=host, port=port, access_log_class=PathOnlyAccessLogger,
                print=None)
