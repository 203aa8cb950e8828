"""Every setting Cunwu reads, declared once: name, default, help.

The CLI's ``cunwu settings``, the README table and a test are all driven by ``SETTINGS``.
Defaults work from a clean checkout: SQLite under ./var, the fake WeChat server, localhost.
Secrets are never settings with defaults: they are generated into ``$CUNWU_HOME/secrets.json``
on first run (mode 0600) and never printed.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("CUNWU_HOME", "./var", "Data directory: SQLite file, rendered PDFs, secrets."),
    Setting("CUNWU_DATABASE_URL", "",
            "Database URL; empty means sqlite://$CUNWU_HOME/cunwu.sqlite3. "
            "Use postgres://user@host:5432/db for scale."),
    Setting("CUNWU_PUBLIC_URL", "",
            "Address printed in QR codes and links (no trailing slash); empty means "
            "http://CUNWU_HOST:CUNWU_PORT, and the fake WeChat's addresses follow it."),
    Setting("CUNWU_WECHAT", "fake", "fake: built-in fake WeChat server; live: the real platforms."),
    Setting("CUNWU_WECOM_API_BASE", "",
            "WeCom API base; empty means the fake server in fake mode, "
            "https://qyapi.weixin.qq.com in live mode."),
    Setting("CUNWU_HOST", "127.0.0.1", "Address `cunwu serve` listens on."),
    Setting("CUNWU_PORT", "8080", "Port `cunwu serve` listens on."),
    Setting("CUNWU_PDF_FONT", "", "Path to a TrueType (.ttf/.ttc) CJK font; empty: the bundled "
            "WenQuanYi Micro Hei."),
    Setting("CUNWU_PUBLICITY_DAYS", "7", "公示期 of payout lists in natural days (at least 7)."),
    Setting("CUNWU_WORKER_INTERVAL", "2", "Seconds between delivery-worker polls when idle."),
    Setting("CUNWU_DELIVERY_LEASE", "60", "Seconds a worker holds a delivery before it may be "
            "reclaimed by the sweeper."),
    Setting("CUNWU_LOG_LEVEL", "INFO", "Python logging level."),
    # Official account (公众号) callback. The defaults are public dev values that only work
    # with the fake; live mode refuses them: set the account's real Token/EncodingAESKey/AppID.
    Setting("CUNWU_MP_TOKEN", "cunwu-dev-token",
            "Official-account callback Token (dev value; live mode must set the real one)."),
    Setting("CUNWU_MP_AES_KEY", "Y3Vud3UtZGV2LWFlcy1rZXktbm90LWEtc2VjcmV0ISE",
            "Official-account EncodingAESKey, 43 characters (dev value; live mode must set "
            "the real one)."),
    Setting("CUNWU_MP_APPID", "wxcunwudev0000000",
            "Official-account AppID (dev value; live mode must set the real one)."),
    Setting("CUNWU_MP_MODE", "safe",
            "The message mode chosen for the account on the platform (消息加解密方式): safe "
            "(安全模式) or compatible (兼容模式) accept only encrypted callbacks, whose "
            "msg_signature covers the body; plaintext (明文模式) accepts only plaintext ones, "
            "whose signature covers nothing but the time and nonce (not recommended)."),
    # Official-account API: the daily digest, menu, customer-service replies.
    Setting("CUNWU_MP_SECRET", "cunwu-dev-appsecret",
            "Official-account AppSecret for the API (dev value; live mode must set the real "
            "one)."),
    Setting("CUNWU_MP_API_BASE", "",
            "Official-account API base; empty means the fake server in fake mode, "
            "https://api.weixin.qq.com in live mode."),
    Setting("CUNWU_MP_ACCOUNT_TYPE", "subscription",
            "subscription (订阅号: 1 mass send a day) or service (服务号: 4 mass sends a month, "
            "other days the digest is only published; slow replies follow as customer-service "
            "messages)."),
    Setting("CUNWU_DIGEST_TIME", "18:00",
            "Beijing time (HH:MM) the daily digest of the day's new notices is sent; off: "
            "only `cunwu digest send` sends it."),
    # WeCom customer groups (客户群): the corp and the secret of its 客户联系 app.
    Setting("CUNWU_WECOM_CORPID", "wwcunwudev00000001",
            "WeCom corpid for customer-group tasks (dev value; live mode must set the real one)."),
    Setting("CUNWU_WECOM_SECRET", "cunwu-dev-wecom-secret",
            "Secret of the WeCom app with 客户联系 rights (dev value; live mode must set the "
            "real one). Never logged."),
    Setting("CUNWU_GROUP_POLL", "300",
            "Seconds between checks of a customer-group task the cadre has not sent yet."),
    Setting("CUNWU_GROUP_REMIND_AFTER", "7200",
            "Seconds a customer-group task may wait before the cadre is reminded "
            "(remind_groupmsg_send, at most 3 times)."),
    Setting("CUNWU_PERSONAL_LIST_GRACE_DAYS", "0",
            "Days after its 公示期 that a personal list (payout, 低保/特困) still shows its rows "
            "on the web; then the page says it has ended and where to ask."),
    Setting("CUNWU_SESSION_HOURS", "8",
            "Hours a staff web sign-in lasts before the console asks for the password again."),
    Setting("CUNWU_UPLOAD_MAX_MB", "20",
            "Largest spreadsheet the console and the import API accept, in MB."),
    Setting("CUNWU_DEMO", "0",
            "1: demo mode, the fake WeChat's dev page (/dev/wechat) is open to anyone; 0: it "
            "needs a signed-in county admin (it shows every group's messages and files)."),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Config:
    home: Path
    database_url: str
    public_url: str
    wechat_mode: str
    wecom_api_base: str
    host: str
    port: int
    pdf_font: str
    publicity_days: int
    worker_interval: float
    delivery_lease: int
    log_level: str
    mp_token: str = "cunwu-dev-token"
    mp_aes_key: str = "Y3Vud3UtZGV2LWFlcy1rZXktbm90LWEtc2VjcmV0ISE"
    mp_appid: str = "wxcunwudev0000000"
    mp_mode: str = "safe"
    mp_secret: str = "cunwu-dev-appsecret"
    mp_api_base: str = ""
    mp_account_type: str = "subscription"
    digest_time: str = "18:00"
    wecom_corpid: str = "wwcunwudev00000001"
    wecom_secret: str = "cunwu-dev-wecom-secret"
    group_poll: int = 300
    group_remind_after: int = 7200
    personal_list_grace_days: int = 0
    session_hours: int = 8
    upload_max_mb: int = 20
    demo: bool = False

    def __repr__(self) -> str:  # the WeCom secret must not reach a log through a repr
        return f"Config(home={self.home!r}, database_url={self.database_url!r})"

    @property
    def files_dir(self) -> Path:
        return self.home / "files"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _raw(env: dict[str, str], name: str) -> str:
    return env.get(name, _BY_NAME[name].default).strip()


def load_config(env: dict[str, str] | None = None) -> Config:
    """Read settings from the environment; raise ValueError naming the bad setting."""
    env = dict(os.environ) if env is None else env
    home = Path(_raw(env, "CUNWU_HOME")).expanduser().resolve()
    database_url = _raw(env, "CUNWU_DATABASE_URL") or f"sqlite://{home / 'cunwu.sqlite3'}"
    mode = _raw(env, "CUNWU_WECHAT")
    if mode not in ("fake", "live"):
        raise ValueError(f"CUNWU_WECHAT must be 'fake' or 'live', not {mode!r}")
    port = _int(env, "CUNWU_PORT")
    if not 0 < port < 65536:
        raise ValueError(f"CUNWU_PORT must be a port number (1…65535), not {port}")
    public_url = public_url_of(env, _raw(env, "CUNWU_HOST"), port)
    api_base = _raw(env, "CUNWU_WECOM_API_BASE")
    if not api_base:
        api_base = f"{public_url}/_fake/wechat" if mode == "fake" else "https://qyapi.weixin.qq.com"
    days = _int(env, "CUNWU_PUBLICITY_DAYS")
    if days < 7:
        raise ValueError("CUNWU_PUBLICITY_DAYS must be at least 7 (公示期至少7天)")
    return Config(
        home=home,
        database_url=database_url,
        public_url=public_url,
        wechat_mode=mode,
        wecom_api_base=api_base.rstrip("/"),
        host=_raw(env, "CUNWU_HOST"),
        port=port,
        pdf_font=_raw(env, "CUNWU_PDF_FONT"),
        publicity_days=days,
        worker_interval=float(_int(env, "CUNWU_WORKER_INTERVAL")),
        delivery_lease=_int(env, "CUNWU_DELIVERY_LEASE"),
        log_level=_raw(env, "CUNWU_LOG_LEVEL").upper(),
        **_mp_settings(env, mode),
        **_mp_api_settings(env, mode, public_url),
        **_wecom_settings(env, mode),
        personal_list_grace_days=_grace_days(env),
        **_console_settings(env),
        demo=_demo(env),
    )


def _demo(env: dict[str, str]) -> bool:
    value = _raw(env, "CUNWU_DEMO")
    if value not in ("0", "1"):
        raise ValueError(f"CUNWU_DEMO must be 0 or 1, not {value!r}")
    return value == "1"


def public_url_of(env: dict[str, str], host: str, port: int) -> str:
    """CUNWU_PUBLIC_URL, or where ``cunwu serve`` listens: one setting drives every address
    (links, QR codes, the fake WeChat), so changing the port can't leave half of them behind."""
    explicit = _raw(env, "CUNWU_PUBLIC_URL").rstrip("/")
    if explicit:
        if not explicit.startswith(("http://", "https://")):
            raise ValueError(f"CUNWU_PUBLIC_URL must start with http:// or https://, "
                             f"not {explicit!r}")
        return explicit
    # Listening on every interface: this machine itself is still reachable on loopback.
    reachable = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    if ":" in reachable:  # an IPv6 address goes in brackets inside a URL
        reachable = f"[{reachable}]"
    return f"http://{reachable}:{port}"


def _mp_api_settings(env: dict[str, str], mode: str, public_url: str) -> dict[str, str]:
    secret = _raw(env, "CUNWU_MP_SECRET")
    if mode == "live" and secret == _BY_NAME["CUNWU_MP_SECRET"].default:
        raise ValueError("CUNWU_MP_SECRET must be set to the account's real value in live mode")
    base = _raw(env, "CUNWU_MP_API_BASE")
    if not base:
        base = f"{public_url}/_fake/wechat" if mode == "fake" else "https://api.weixin.qq.com"
    kind = _raw(env, "CUNWU_MP_ACCOUNT_TYPE")
    if kind not in ("subscription", "service"):
        raise ValueError(f"CUNWU_MP_ACCOUNT_TYPE must be subscription or service, not {kind!r}")
    at = _raw(env, "CUNWU_DIGEST_TIME")
    hh, _, mm = at.partition(":")
    if at != "off" and not (hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60
                            and len(mm) == 2):
        raise ValueError(f"CUNWU_DIGEST_TIME must be HH:MM (Beijing time) or off, not {at!r}")
    return {"mp_secret": secret, "mp_api_base": base.rstrip("/"), "mp_account_type": kind,
            "digest_time": at if at == "off" else f"{int(hh):02d}:{mm}"}


def _wecom_settings(env: dict[str, str], mode: str) -> dict[str, Any]:
    corpid, secret = _raw(env, "CUNWU_WECOM_CORPID"), _raw(env, "CUNWU_WECOM_SECRET")
    if mode == "live":
        for name, value in (("CUNWU_WECOM_CORPID", corpid), ("CUNWU_WECOM_SECRET", secret)):
            if value == _BY_NAME[name].default:
                raise ValueError(f"{name} must be set to the corp's real value in live mode")
    return {"wecom_corpid": corpid, "wecom_secret": secret,
            "group_poll": _int(env, "CUNWU_GROUP_POLL"),
            "group_remind_after": _int(env, "CUNWU_GROUP_REMIND_AFTER")}


def _grace_days(env: dict[str, str]) -> int:
    days = _int(env, "CUNWU_PERSONAL_LIST_GRACE_DAYS")
    if not 0 <= days <= 90:
        raise ValueError("CUNWU_PERSONAL_LIST_GRACE_DAYS must be 0…90 (days after the 公示期)")
    return days


def _console_settings(env: dict[str, str]) -> dict[str, int]:
    hours, max_mb = _int(env, "CUNWU_SESSION_HOURS"), _int(env, "CUNWU_UPLOAD_MAX_MB")
    if not 1 <= hours <= 24 * 30:
        raise ValueError("CUNWU_SESSION_HOURS must be between 1 and 720")
    if not 1 <= max_mb <= 200:
        raise ValueError("CUNWU_UPLOAD_MAX_MB must be between 1 and 200")
    return {"session_hours": hours, "upload_max_mb": max_mb}


def _mp_settings(env: dict[str, str], mode: str) -> dict[str, str]:
    message_mode = _raw(env, "CUNWU_MP_MODE").lower()
    if message_mode not in ("safe", "compatible", "plaintext"):
        raise ValueError(
            f"CUNWU_MP_MODE must be safe, compatible or plaintext, not {message_mode!r}")
    names = ["CUNWU_MP_TOKEN", "CUNWU_MP_AES_KEY", "CUNWU_MP_APPID"]
    values = {name: _raw(env, name) for name in names}
    if message_mode == "plaintext":   # no key in use: the dev default may stay in live mode
        names.remove("CUNWU_MP_AES_KEY")
    key = values["CUNWU_MP_AES_KEY"]
    try:
        valid_key = len(key) == 43 and len(base64.b64decode(key + "=", validate=True)) == 32
    except ValueError:
        valid_key = False
    if not valid_key:
        raise ValueError("CUNWU_MP_AES_KEY must be the 43-character EncodingAESKey")
    if mode == "live":
        for name in names:
            if values[name] == _BY_NAME[name].default:
                raise ValueError(f"{name} must be set to the account's real value in live mode")
    return {"mp_token": values["CUNWU_MP_TOKEN"], "mp_aes_key": key,
            "mp_appid": values["CUNWU_MP_APPID"], "mp_mode": message_mode}


def _int(env: dict[str, str], name: str) -> int:
    value = _raw(env, name)
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


@dataclass(frozen=True)
class Secrets:
    """Keys generated on first run. repr() never shows them."""

    data_key: bytes      # AES-256-GCM key for ID and bank numbers at rest
    lookup_key: bytes    # HMAC-SHA256 key for look-up / duplicate hashes

    def __repr__(self) -> str:
        return "Secrets(<redacted>)"


def load_secrets(home: Path) -> Secrets:
    """Load ``secrets.json`` from the data directory, creating it (0600) if missing."""
    path = home / "secrets.json"
    if not path.exists():
        home.mkdir(parents=True, exist_ok=True)
        payload: dict[str, Any] = {
            "data_key": secrets.token_hex(32),
            "lookup_key": secrets.token_hex(32),
        }
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            json.dump(payload, fh)
    payload = json.loads(path.read_text())
    return Secrets(
        data_key=bytes.fromhex(payload["data_key"]),
        lookup_key=bytes.fromhex(payload["lookup_key"]),
    )
