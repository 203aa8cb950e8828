"""``cunwu county set|show`` on the demo county.

Not a storage test: the CLI opens its own SQLite database, and running it inside the
PostgreSQL pass would leave Tortoise's per-model query caches built for the wrong dialect.
"""

from __future__ import annotations

from bot.cli.main import main


def test_the_cli_sets_and_shows_a_setting(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CUNWU_HOME", str(tmp_path / "var"))
    monkeypatch.delenv("CUNWU_DATABASE_URL", raising=False)
    assert main(["init", "--demo"]) == 0
    capsys.readouterr()
    assert main(["county", "set", "personal_list_grace_days", "3"]) == 0
    assert "→ 3" in capsys.readouterr().out
    assert main(["county", "set", "objection_answer_days", "99"]) == 1
    assert "1…30" in capsys.readouterr().err
    assert main(["county", "show", "--json"]) == 0
    assert '"personal_list_grace_days"' in capsys.readouterr().out


def test_only_the_admin_sets_a_supervision_phone_and_a_mobile_only_as_an_office_number(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CUNWU_HOME", str(tmp_path / "var"))
    monkeypatch.delenv("CUNWU_DATABASE_URL", raising=False)
    assert main(["init", "--demo"]) == 0
    capsys.readouterr()
    key = "supervision_phone.419901100000"
    assert main(["county", "set", key, "13937612345", "--as", "clerk100"]) == 1
    assert "13937612345" not in capsys.readouterr().err
    assert main(["county", "set", key, "13937612345"]) == 1
    assert "--office-mobile" in capsys.readouterr().err
    assert main(["county", "set", key, "13937612345", "--office-mobile"]) == 0
    assert "→ 13937612345" in capsys.readouterr().out
