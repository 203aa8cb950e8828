"""Staff sign in to the console: argon2 passwords, server-side sessions in HttpOnly
SameSite=Lax cookies, CSRF on every form, throttling, logout; every attempt audited."""

from __future__ import annotations

import asyncio
import io
import threading
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from argon2 import PasswordHasher
from argon2.exceptions import VerificationError

from bot.app import create_app
from bot.cli.main import main
from notices.models import AuditEvent
from notices.web import signin
from notices.web.signin import MAX_FAILURES, set_password
from tests.builders import TOWNSHIP, create_county, create_staff
from tests.notices.web.helpers import PASSWORD, login_form_token, sign_in
from villages.auth_models import LoginThrottle, StaffSession
from villages.errors import InvalidInput
from villages.models import Role, Staff

pytestmark = pytest.mark.storage


@pytest.fixture
async def client(db):
    await create_county()
    await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    await set_password("clerk", PASSWORD, actor="test")
    app = create_app(db, with_worker=False, open_db=False)
    async with TestClient(TestServer(app)) as http:
        yield http


async def test_a_clerk_signs_in_and_the_session_cookie_is_httponly_and_lax(client):
    token = await login_form_token(client)
    response = await client.post("/console/login", data={
        "name": "clerk", "password": PASSWORD, "csrf": token}, allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/console"
    cookie = next(h for h in response.headers.getall("Set-Cookie")
                  if h.startswith("cunwu_session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=28800" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    session = await StaffSession.get()
    assert session.token_sha256 != value and value not in session.token_sha256  # hash only
    home = await client.get("/console")
    assert home.status == 200 and "补贴发放清册" in await home.text()
    event = await AuditEvent.get(action="login")
    assert event.actor == "clerk" and PASSWORD not in str(event.detail)


async def test_a_wrong_password_is_refused_audited_and_never_recorded(client):
    token = await login_form_token(client)
    response = await client.post("/console/login", data={
        "name": "clerk", "password": "wrong-guess-1", "csrf": token})
    assert response.status == 401
    assert "用户名或密码不对" in await response.text()
    assert await StaffSession.all().count() == 0
    events = await AuditEvent.filter(action="login_failed")
    assert len(events) == 1 and "wrong-guess-1" not in str(events[0].detail)
    # An unknown name gets the same answer as a wrong password.
    response = await client.post("/console/login", data={
        "name": "nobody", "password": "x", "csrf": token})
    assert response.status == 401 and "用户名或密码不对" in await response.text()


async def test_repeated_failures_lock_the_account_even_for_the_right_password(client):
    token = await login_form_token(client)
    for attempt in range(MAX_FAILURES):
        response = await client.post("/console/login", data={
            "name": "clerk", "password": f"guess-{attempt}", "csrf": token})
        assert response.status == 401
    response = await client.post("/console/login", data={
        "name": "clerk", "password": PASSWORD, "csrf": token})
    assert response.status == 429 and "分钟后再试" in await response.text()
    assert await AuditEvent.filter(action="login_throttled").count() == 1
    # When the lock has passed, the right password works again.
    await LoginThrottle.filter(key="name:clerk").update(
        locked_until=datetime.now(UTC) - timedelta(seconds=1))
    await sign_in(client, "clerk")


async def test_the_login_form_needs_its_csrf_token(client):
    await login_form_token(client)
    response = await client.post("/console/login", data={
        "name": "clerk", "password": PASSWORD, "csrf": "forged-token-value-000000"})
    assert response.status == 403 and "登录页已过期" in await response.text()
    assert await StaffSession.all().count() == 0


async def test_forms_without_the_session_csrf_token_are_refused(client):
    csrf = await sign_in(client, "clerk")
    response = await client.post("/console/logout", data={"csrf": "not-" + csrf})
    assert response.status == 403
    assert await StaffSession.all().count() == 1  # still signed in


async def test_logout_ends_the_session_for_good(client):
    csrf = await sign_in(client, "clerk")
    cookie = client.session.cookie_jar.filter_cookies(client.make_url("/"))["cunwu_session"]
    response = await client.post("/console/logout", data={"csrf": csrf},
                                 allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/console/login"
    assert await StaffSession.all().count() == 0
    assert await AuditEvent.filter(action="logout").count() == 1
    client.session.cookie_jar.update_cookies({"cunwu_session": cookie.value})
    again = await client.get("/console", allow_redirects=False)
    assert again.status == 302 and again.headers["Location"] == "/console/login"


async def test_an_expired_session_asks_for_the_password_again(client):
    await sign_in(client, "clerk")
    await StaffSession.all().update(expires_at=datetime.now(UTC) - timedelta(minutes=1))
    response = await client.get("/console", allow_redirects=False)
    assert response.status == 302 and response.headers["Location"] == "/console/login"


async def test_a_new_password_ends_the_old_sessions(client):
    await sign_in(client, "clerk")
    await set_password("clerk", "another-pass-77", actor="admin")
    assert await StaffSession.all().count() == 0
    staff = await Staff.get(name="clerk")
    assert staff.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize("weak", ["short1", "onlyletterslong", "1234567890123"])
async def test_weak_passwords_are_refused(db, weak):
    with pytest.raises(InvalidInput, match="密码"):
        await set_password("anyone", weak, actor="test")


def test_cunwu_user_passwd_sets_a_password_from_stdin(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CUNWU_HOME", str(tmp_path / "var"))
    monkeypatch.delenv("CUNWU_DATABASE_URL", raising=False)
    csv_path = tmp_path / "regions.csv"
    csv_path.write_text("code,name\n419901000000,青禾县\n419901100000,城关镇\n")
    assert main(["regions", "import", str(csv_path)]) == 0
    assert main(["user", "add", "clerk", "--role", "township_clerk",
                 "--scope", TOWNSHIP]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("tooshort\n"))
    assert main(["user", "passwd", "clerk", "--password-stdin"]) == 1
    assert "至少10位" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["user", "passwd", "clerk", "--password-stdin", ]) == 0
    assert "已为 clerk 设置网页登录密码" in capsys.readouterr().out


async def test_the_throttle_counts_the_client_behind_nginx_not_nginx(client):
    token = await login_form_token(client)
    # Failures from one client behind the proxy (the app sees 127.0.0.1 as the peer) …
    for attempt in range(3):
        await client.post("/console/login", data={
            "name": "someone", "password": f"g{attempt}", "csrf": token},
            headers={"X-Forwarded-For": "10.1.2.3"})
    row = await LoginThrottle.get(key="addr:10.1.2.3")
    assert row.failures == 3
    assert not await LoginThrottle.filter(key="addr:127.0.0.1").exists()


async def test_forty_concurrent_wrong_passwords_get_at_most_five_checks(client):
    token = await login_form_token(client)

    async def guess(n: int) -> int:
        response = await client.post("/console/login", data={
            "name": "clerk", "password": f"burst-{n}", "csrf": token})
        return response.status

    statuses = await asyncio.gather(*(guess(n) for n in range(40)))
    assert statuses.count(401) == MAX_FAILURES  # checked, and wrong
    assert statuses.count(429) == 40 - MAX_FAILURES  # refused before argon2 ran
    assert await AuditEvent.filter(action="login_failed").count() == MAX_FAILURES
    row = await LoginThrottle.get(key="name:clerk")
    assert row.failures == MAX_FAILURES and row.locked_until is not None
    # The address is charged only for the checked ones.
    assert (await LoginThrottle.get(key="addr:127.0.0.1")).failures == MAX_FAILURES


async def test_argon2_runs_off_the_event_loop(client, monkeypatch):
    threads: list[str] = []
    real = signin._hasher

    class Watching(PasswordHasher):
        def verify(self, hash, password):
            threads.append(threading.current_thread().name)
            return real.verify(hash, password)

    monkeypatch.setattr(signin, "_hasher", Watching())
    await sign_in(client, "clerk")
    assert threads and threading.main_thread().name not in threads


async def test_a_right_password_after_typing_mistakes_clears_them(client):
    token = await login_form_token(client)
    for attempt in range(MAX_FAILURES - 1):
        await client.post("/console/login", data={
            "name": "clerk", "password": f"typo-{attempt}", "csrf": token})
    await sign_in(client, "clerk")
    assert not await LoginThrottle.filter(key="name:clerk").exists()
    # The address keeps only its failures, not the successful attempt.
    assert (await LoginThrottle.get(key="addr:127.0.0.1")).failures == MAX_FAILURES - 1


async def test_an_old_failure_outside_the_window_does_not_count(client):
    token = await login_form_token(client)
    await client.post("/console/login", data={
        "name": "clerk", "password": "typo-0", "csrf": token})
    await LoginThrottle.filter(key="name:clerk").update(
        failures=MAX_FAILURES - 1, first_failed_at=datetime.now(UTC) - timedelta(hours=1))
    for attempt in range(MAX_FAILURES - 1):
        response = await client.post("/console/login", data={
            "name": "clerk", "password": f"typo-{attempt}", "csrf": token})
        assert response.status == 401
    assert (await LoginThrottle.get(key="name:clerk")).failures == MAX_FAILURES - 1


async def test_pages_keep_answering_during_a_burst_of_logins(client):
    """Relative, not absolute, timings (the shared test machine may be slow): while six
    wrong passwords are checked, no page waits as long as one argon2 check takes, which a
    page stuck behind argon2 on the event loop would."""
    token = await login_form_token(client)
    stored = (await Staff.get(name="clerk")).password_hash
    for n in range(6):
        await create_staff(f"clerk{n}", Role.TOWNSHIP_CLERK, TOWNSHIP)
    await Staff.filter(name__startswith="clerk").update(password_hash=stored)
    loop = asyncio.get_running_loop()
    before = loop.time()
    with pytest.raises(VerificationError):
        PasswordHasher().verify(stored, "wrong-guess-9")
    one_check = loop.time() - before
    burst = asyncio.ensure_future(asyncio.gather(*(client.post("/console/login", data={
        "name": f"clerk{n}", "password": "wrong-guess-9", "csrf": token}) for n in range(6))))
    waits = []
    while not burst.done():
        before = loop.time()
        assert (await client.get("/healthz")).status == 200
        waits.append(loop.time() - before)
        await asyncio.sleep(0.01)
    assert [r.status for r in burst.result()] == [401] * 6
    assert len(waits) > 3 and max(waits) < one_check / 2, (waits, one_check)
