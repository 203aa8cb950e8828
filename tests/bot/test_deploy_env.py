"""deploy/cunwu.env.example starts as shipped: the settings load and `cunwu serve` answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot.settings import load_config

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "cunwu.env.example"


def read_env_file(path: Path) -> dict[str, str]:
    """The file as systemd's EnvironmentFile reads it: KEY=value lines, # comments."""
    env = {}
    for line in path.read_text("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f"not KEY=value: {line!r}"
            env[key.strip()] = value.strip()
    return env


def test_the_shipped_env_file_loads():
    config = load_config(read_env_file(EXAMPLE))
    assert config.wechat_mode == "live"
    assert config.public_url == "https://cunwu.example.gov.cn"
    assert config.wecom_api_base == "https://qyapi.weixin.qq.com"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_starts_with_the_shipped_env_file(tmp_path: Path):
    # Only what a test machine lacks changes: the data folder and the database server.
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CUNWU_")},
           **read_env_file(EXAMPLE), "CUNWU_HOME": str(tmp_path),
           "CUNWU_DATABASE_URL": f"sqlite://{tmp_path / 'cunwu.sqlite3'}",
           "CUNWU_DIGEST_TIME": "off"}
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.cli.main", "serve", "--port", str(port), "--no-worker"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = b""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read()
                    break
            except OSError:
                time.sleep(0.3)
        assert server.poll() is None, server.stdout.read().decode() if server.stdout else ""
        assert b'"ok": true' in body
    finally:
        server.terminate()
        server.wait(timeout=20)
