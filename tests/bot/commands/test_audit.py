"""``cunwu audit anchor|verify`` on a file database, then someone with the database's
password deletes the newest event: the links still hold, the anchor does not.

Not a storage test: the CLI opens its own SQLite database (see test_county.py)."""

from __future__ import annotations

import json
import sqlite3

from bot.cli.main import main


def test_verify_finds_deleted_newest_events_against_the_anchor_file(tmp_path, monkeypatch,
                                                                      capsys):
    home = tmp_path / "var"
    monkeypatch.setenv("CUNWU_HOME", str(home))
    monkeypatch.delenv("CUNWU_DATABASE_URL", raising=False)
    assert main(["init", "--demo"]) == 0
    assert main(["county", "set", "personal_list_grace_days", "3"]) == 0   # an event
    capsys.readouterr()
    assert main(["audit", "anchor"]) == 0
    assert "已记下锚点" in capsys.readouterr().out
    assert main(["audit", "verify"]) == 0
    assert "审计链完整" in capsys.readouterr().out

    db = sqlite3.connect(home / "cunwu.sqlite3")
    db.executescript("DROP TRIGGER audit_event_no_delete;"
                     "DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event);")
    db.close()
    assert main(["audit", "verify", "--json"]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["intact"] is False and "截断" in result["problem"]


def test_a_malformed_anchor_given_by_hand_is_refused_in_chinese(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CUNWU_HOME", str(tmp_path / "var"))
    monkeypatch.delenv("CUNWU_DATABASE_URL", raising=False)
    assert main(["init"]) == 0
    capsys.readouterr()
    assert main(["audit", "verify", "--anchor", "12:not-a-hash"]) != 0
    assert "格式不对" in capsys.readouterr().err
