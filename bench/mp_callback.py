"""Official-account callback latency on loopback (DESIGN §4: passive reply within 5 s;
target p99 under 50 ms).

    .venv/bin/python bench/mp_callback.py                       # starts its own server
    .venv/bin/python bench/mp_callback.py --url http://127.0.0.1:8080/wechat/mp

Without --url it runs `create_app` (no worker, fake WeChat, a throwaway SQLite home) in a
child process on a free loopback port, so client and server don't share an event loop.
It fires N signed plaintext text messages (distinct MsgIds, a mix of 帮助, 核验 of an
unknown code and unknown text, from 200 different openids; the server it starts is in
plaintext mode, so with --url use an account in CUNWU_MP_MODE=plaintext; with --subscribe, subscribe
events from distinct openids, which write and so take the cross-process claim) with the
given concurrency and prints p50/p90/p99/max in ms. Not a unit test: numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.mp.view import sign
from bot.settings import load_config

TEXTS = ("帮助", "核验 7F3K-92QD", "今天天气怎么样", "公示")


def _serve(home: str, port: int, profile: str | None = None) -> None:
    import cProfile

    from aiohttp import web

    from bot.app import create_app

    # Plaintext mode: it measures our handling, not AES (the messages below are plaintext).
    config = load_config({"CUNWU_HOME": home, "CUNWU_LOG_LEVEL": "WARNING",
                          "CUNWU_MP_MODE": "plaintext"})
    profiler = cProfile.Profile() if profile else None
    if profiler:
        profiler.enable()
    web.run_app(create_app(config, with_worker=False), host="127.0.0.1", port=port,
                print=None, access_log=None)  # SIGTERM ends it gracefully
    if profiler:
        profiler.disable()
        profiler.dump_stats(profile)


def _cpu_s(pid: int | None) -> float:
    """User + system CPU seconds of process ``pid`` (Linux /proc), 0 if unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _message(i: int, subscribe: bool = False) -> str:
    if subscribe:   # an event that writes: since the shared claim, also claimed in the DB
        return (f"<xml><ToUserName><![CDATA[gh_cunwu]]></ToUserName>"
                f"<FromUserName><![CDATA[o_bench_{i:06d}]]></FromUserName>"
                f"<CreateTime>{int(time.time())}</CreateTime>"
                f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[subscribe]]></Event></xml>")
    return (f"<xml><ToUserName><![CDATA[gh_cunwu]]></ToUserName>"
            f"<FromUserName><![CDATA[o_bench_{i % 200:04d}]]></FromUserName>"
            f"<CreateTime>{int(time.time())}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
            f"<Content><![CDATA[{TEXTS[i % len(TEXTS)]}]]></Content>"
            f"<MsgId>{9_000_000_000 + i}</MsgId></xml>")


async def fire(url: str, token: str, n: int, concurrency: int,
               subscribe: bool = False, first: int = 0) -> list[float]:
    timings: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(n):
        queue.put_nowait(i)

    async def one_worker(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            i = queue.get_nowait() + first
            ts, nonce = str(int(time.time())), f"b{i}"
            params = {"timestamp": ts, "nonce": nonce, "signature": sign(token, ts, nonce)}
            started = time.perf_counter()
            async with session.post(url, params=params, data=_message(i, subscribe)) as response:
                await response.read()
                if response.status != 200:
                    raise SystemExit(f"HTTP {response.status} on message {i}")
            timings.append((time.perf_counter() - started) * 1000)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(one_worker(session) for _ in range(concurrency)))
    return timings


async def wait_up(url: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                async with session.get(url) as response:
                    if response.status in (200, 403):
                        return
            except aiohttp.ClientError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit("server did not come up")
            await asyncio.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running /wechat/mp; default: start one")
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("-c", "--concurrency", type=int, default=20)
    parser.add_argument("--subscribe", action="store_true",
                        help="send subscribe events (each writes a follower) instead of texts")
    parser.add_argument("--profile", metavar="FILE",
                        help="run the server under cProfile and write its stats to FILE")
    parser.add_argument("--token", default=os.environ.get("CUNWU_MP_TOKEN",
                                                          load_config({}).mp_token))
    args = parser.parse_args()
    server = None
    url = args.url
    tmp = tempfile.TemporaryDirectory()
    if url is None:
        port = _free_port()
        url = f"http://127.0.0.1:{port}/wechat/mp"
        server = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(tmp.name, port, args.profile), daemon=True)
        server.start()
    try:
        asyncio.run(wait_up(url))
        asyncio.run(fire(url, args.token, 100, args.concurrency, args.subscribe,
                                 first=args.n))  # warm-up
        cpu_before = _cpu_s(server.pid if server is not None else None)
        started = time.perf_counter()
        timings = asyncio.run(fire(url, args.token, args.n, args.concurrency, args.subscribe))
        wall = time.perf_counter() - started
        cpu = _cpu_s(server.pid if server is not None else None) - cpu_before
    finally:
        if server is not None:
            server.terminate()
            server.join(10)
        tmp.cleanup()
    timings.sort()
    q = statistics.quantiles(timings, n=100)
    kind = "subscribe events" if args.subscribe else "plaintext messages"
    print(f"{len(timings)} signed {kind}, concurrency {args.concurrency}, "
          f"{len(timings) / wall:.0f} msg/s")
    print(f"p50 {q[49]:.1f} ms  p90 {q[89]:.1f} ms  p99 {q[98]:.1f} ms  "
          f"max {timings[-1]:.1f} ms")
    if server is not None:  # steadier than wall time on a shared machine
        print(f"server CPU {cpu * 1000 / len(timings):.2f} ms per message")


if __name__ == "__main__":
    main()
