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


def _serve_briefly(env: dict[str, str], port: int) -> tuple[bytes, str]:
    """Start `cunwu serve --port PORT`, wait for /healthz; (its body, what serve printed)."""
    server = subprocess.Popen(
        [sys.executable, "-m", "bot.cli.main", "serve", "--port", str(port), "--no-worker"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    body = b""
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = r.read()
                    break
            except OSError:
                time.sleep(0.3)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    return body, output.decode("utf-8", "replace")


def _clean_env(tmp_path: Path) -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("CUNWU_")},
            "CUNWU_HOME": str(tmp_path), "CUNWU_DIGEST_TIME": "off",
            "CUNWU_DATABASE_URL": f"sqlite://{tmp_path / 'cunwu.sqlite3'}"}


def test_serve_starts_with_the_shipped_env_file(tmp_path: Path):
    # Only what a test machine lacks changes: the data folder and the database server.
    env = {**read_env_file(EXAMPLE), **_clean_env(tmp_path)}
    body, output = _serve_briefly(env, _free_port())
    assert b'"ok": true' in body, output
    assert "links point to https://cunwu.example.gov.cn/" in output


def test_serve_port_moves_links_and_the_fake_wechat_with_it(tmp_path: Path):
    port = _free_port()
    body, output = _serve_briefly(_clean_env(tmp_path), port)
    assert b'"ok": true' in body, output
    assert f"links point to http://127.0.0.1:{port}/" in output
    assert f"fake WeChat: http://127.0.0.1:{port}/dev/wechat" in output
