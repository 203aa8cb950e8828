"""What each ``cunwu`` command does. Each returns (JSON-able result, human text)."""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path
from typing import Any

from bot.commands import Outcome
from bot.runtime import ensure_admin, ensure_seed_data, opened
from bot.settings import SETTINGS, Config, load_config
from villages import glossary
from villages import services as villages
from villages.errors import InvalidInput
from villages.models import Region


def read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise InvalidInput(f"读不了文件 {path}：{exc.strerror}") from None


async def init(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config) as runtime:
        await ensure_seed_data()
        result: dict[str, Any] = {"home": str(config.home), "database": _safe_url(config)}
        if args.demo:
            from bot.demo.county import load_demo
            result["demo"] = await load_demo(runtime)
    text = f"数据目录 {config.home} 已就绪。"
    if args.demo:
        demo = result["demo"]
        text += (f"\n演示县已载入：{demo['townships']} 个乡镇，{demo['villages']} 个村，"
                 f"已发布 {demo['published']} 份公示，"
                 f"新载入 {demo['finance_periods']} 个村的月度财务。"
                 f"\n公示表 PDF 在 {config.files_dir}"
                 f"\n导入工作台 {config.public_url}/console/login "
                 f"（演示账号 clerk100，密码 {demo['console']['password']}）")
    return result, text


def _safe_url(config: Config) -> str:
    # A PostgreSQL URL may carry a password: show only the scheme and the database name.
    url = config.database_url
    return url if config.is_sqlite else f"{url.split(':', 1)[0]}://…/{url.rsplit('/', 1)[-1]}"


def serve(args: argparse.Namespace, config: Config) -> None:
    from bot.app import run_server
    if args.host or args.port:
        # --host/--port count as CUNWU_HOST/CUNWU_PORT, so links, QR codes and the fake
        # WeChat follow them too (unless CUNWU_PUBLIC_URL names the address).
        overrides = {"CUNWU_HOST": args.host or config.host,
                     "CUNWU_PORT": str(args.port or config.port)}
        config = load_config({**os.environ, **overrides})
    run_server(config, host=config.host, port=config.port, with_worker=not args.no_worker)


async def worker(args: argparse.Namespace, config: Config) -> Outcome | None:
    from bot.app import worker_session
    async with opened(config) as runtime, worker_session(runtime) as delivery_worker:
        if args.once:
            done = await delivery_worker.sweep_once()  # rows a dead worker left behind
            while n := await delivery_worker.run_once():
                done += n
            return {"processed": done}, f"处理了 {done} 条投递"
        stop = asyncio.Event()
        from bot.mp.digest_sender import digest_session, run_digest_forever
        async with digest_session(config) as digest:  # the daily digest rides along
            digest_task = asyncio.create_task(run_digest_forever(digest, stop))
            await delivery_worker.run_forever(config.worker_interval, stop)
            await digest_task
    return None


async def settings(args: argparse.Namespace, config: Config) -> Outcome:
    # A setting left empty on purpose says what it follows; show what it came to.
    derived = {"CUNWU_PUBLIC_URL": config.public_url}
    rows = [{"name": s.name, "value": os.environ.get(s.name, s.default) or derived.get(s.name, ""),
             "default": s.default, "help": s.help} for s in SETTINGS]
    text = "\n".join(f"{r['name']}={r['value']}\n    {r['help']}" for r in rows)
    return rows, text


async def regions_import(args: argparse.Namespace, config: Config) -> Outcome:
    data = read_file(args.file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    async with opened(config):
        result = await villages.import_regions(villages.read_region_csv(text))
        await ensure_admin()
    out = result.__dict__
    return out, f"新增 {result.created}，改名 {result.updated}，不变 {result.unchanged}"


async def user_add(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        staff = await villages.add_staff(args.name, args.role, args.scope,
                                         display_name=args.display_name)
        scope = await Region.get(id=staff.scope_id)
    out = {"name": staff.name, "role": staff.role.value, "scope": scope.code}
    return out, f"{staff.name}：{glossary.role_zh(staff.role)}，范围 {scope.name}"


async def robot_add(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        target = await villages.add_robot(args.village, args.name, args.key)
    out = {"id": target.id, "name": target.name, "key": villages.redact(target.address)}
    return out, (f"已登记群机器人 {target.name}（目标编号 {target.id}）。正在公示的公示用 "
                 f"cunwu robot send-current {target.id} 补发")

