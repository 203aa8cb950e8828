"""The nginx site in deploy/: what it writes to its access log.

WeChat signs each callback in the query string (signature, msg_signature, timestamp,
nonce, openid), and a verify link or a pack link may carry a token: a log line that keeps
the query string hands them to whoever reads the logs. The site logs paths only."""

from __future__ import annotations

import re
from pathlib import Path

SITE = Path(__file__).resolve().parents[1] / "deploy" / "nginx-cunwu.conf"
# nginx variables that carry the query string (or the raw request line that contains it).
_WITH_QUERY = re.compile(r"\$(request|request_uri|args|query_string|arg_\w+|http_referer)\b")


def _directives(name: str) -> list[str]:
    text = "\n".join(line.split("#", 1)[0] for line in SITE.read_text().splitlines())
    return [m.group(1).strip() for m in re.finditer(rf"(?<![\w$]){name}\s+([^;]*);", text)]


def test_every_access_log_uses_a_format_without_the_query_string():
    formats = {body.split(None, 1)[0]: body for body in _directives("log_format")}
    logs = [d for d in _directives("access_log") if d != "off"]
    assert logs, "the site must say where it logs"
    for log in logs:
        parts = log.split()
        assert len(parts) >= 2, f"access_log {log!r} uses nginx's default format ($request)"
        assert parts[1] in formats, f"access_log {log!r} names an unknown format"
        assert not _WITH_QUERY.search(formats[parts[1]]), formats[parts[1]]


def test_the_official_account_callback_is_not_logged_with_its_signatures():
    formats = " ".join(_directives("log_format"))
    assert "$uri" in formats            # the path is still there to read
    assert not _WITH_QUERY.search(formats)
