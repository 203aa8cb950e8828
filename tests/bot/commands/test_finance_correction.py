"""The finance correction from the command line, as a township would run it: the reviewer
reopens the period (a clerk is refused, exit 1), the accountant re-imports, the committee
signs again, ``cunwu notice correct ID --reason`` drafts the 更正, and after publication
``cunwu verify`` says the old code was superseded."""

from __future__ import annotations

import json

import pytest

from bot.cli.main import main
from tests.bot.commands.test_finance import VILLAGE, demo_home  # noqa: F401 (fixture)
from tests.notices.ledgers.finance.test_services import ledger
from tests.notices.lifecycle.test_finance_correction import FIXED


def _json(capsys: pytest.CaptureFixture[str]) -> dict:
    return json.loads(capsys.readouterr().out)


def _run(*argv: str) -> None:
    assert main(list(argv)) == 0, argv


def test_reopen_reimport_resign_and_correct_from_the_command_line(demo_home, capsys):  # noqa: F811
    sheet = demo_home / "beipo-2026-10.csv"
    sheet.write_bytes(ledger())
    _run("import", "finance", str(sheet), "--village", VILLAGE, "--period", "2026-10",
         "--as", "clerk100")
    _run("user", "add", "北坡监督", "--role", "village_supervisor", "--scope", VILLAGE)
    _run("finance", "signoff", "--village", VILLAGE, "--period", "2026-10",
         "--opinion", "经审核，收支真实，同意公开", "--as", "北坡监督")
    capsys.readouterr()
    _run("notice", "create", "--finance", VILLAGE, "2026-10", "--as", "clerk100", "--json")
    notice_id = str(_json(capsys)[0]["id"])
    for action, who in (("submit", "clerk100"), ("approve", "reviewer100"),
                        ("publish", "reviewer100")):
        _run("notice", action, notice_id, "--as", who)
    capsys.readouterr()
    _run("notice", "show", notice_id, "--json")
    old_code = _json(capsys)["verify_code"]

    reason = "记-002 村部电费金额记错，应为365.40元"
    assert main(["finance", "reopen", "--village", VILLAGE, "--period", "2026-10",
                 "--reason", reason, "--as", "clerk100"]) == 1
    capsys.readouterr()
    _run("finance", "reopen", "--village", VILLAGE, "--period", "2026-10", "--reason", reason,
         "--as", "reviewer100", "--json")
    reopened = _json(capsys)
    assert reopened["revision"] == 2 and reopened["notice"] == int(notice_id)
    assert reopened["was_signed_by"] == "北坡监督"
    assert main(["check", "consistency", "--village", VILLAGE, "--json"]) == 1
    [row] = [r for r in _json(capsys)["notices"] if str(r["notice_id"]) == notice_id]
    assert row["ledger_stale"] is True

    sheet.write_bytes(ledger(FIXED))
    _run("import", "finance", str(sheet), "--village", VILLAGE, "--period", "2026-10",
         "--as", "clerk100")
    _run("finance", "signoff", "--village", VILLAGE, "--period", "2026-10",
         "--opinion", "经重新审核，同意公开", "--as", "北坡监督")
    _run("notice", "correct", notice_id, "--reason", reason, "--as", "clerk100")
    for action, who in (("submit", "clerk100"), ("approve", "reviewer100"),
                        ("publish", "reviewer100")):
        _run("notice", action, notice_id, "--as", who)
    capsys.readouterr()
    _run("verify", old_code, "--json")
    check = _json(capsys)
    assert check["status"] == "superseded" and check["reason"] == reason
    _run("notice", "show", notice_id, "--json")
    shown = _json(capsys)
    assert sorted(v["status"] for v in shown["versions"]) == ["current", "superseded"]
    _run("verify", shown["verify_code"], "--json")
    assert _json(capsys)["total_fen"] == 5742460


def test_an_entry_by_hand_from_the_command_line(demo_home, capsys):  # noqa: F811
    entry = ["--date", "2026-10-25", "--voucher", "记-004", "--summary", "办公用品",
             "--category", "各项支出", "--handler", "张会计", "--approver", "李卫东"]
    assert main(["finance", "entry", "add", "--village", VILLAGE, "--period", "2026-10",
                 *entry, "--expense", "120.5", "--as", "clerk100"]) == 1
    assert "--opening" in capsys.readouterr().err
    _run("finance", "entry", "add", "--village", VILLAGE, "--period", "2026-10", *entry,
         "--expense", "120.5", "--opening", "1000", "--as", "clerk100", "--json")
    added = _json(capsys)
    assert (added["closing_fen"], added["entries"], added["revision"]) == (87950, 1, 1)
    assert main(["finance", "entry", "add", "--village", VILLAGE, "--period", "2026-10",
                 *entry, "--income", "5", "--expense", "5", "--as", "clerk100"]) == 1
    assert "每行只能填收入或支出其中一项" in capsys.readouterr().err
    _run("finance", "entry", "edit", str(added["entry"]), "--expense", "20.00",
         "--reason", "按发票改正", "--as", "clerk100", "--json")
    assert _json(capsys)["closing_fen"] == 98000
    _run("finance", "show", "--village", VILLAGE, "--period", "2026-10", "--json")
    [shown] = _json(capsys)["entries"]
    assert shown["id"] == added["entry"] and shown["expense_fen"] == 2000
