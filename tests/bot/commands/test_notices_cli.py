"""``cunwu notice list|show`` and ``cunwu check consistency`` speak the glossary's words.

Not a storage test: the CLI opens its own SQLite database (see test_county.py).
"""

from __future__ import annotations

import re

from bot.cli.main import main

_STORED = re.compile(r"\b(draft|in_review|approved|published|withdrawn|closed|archived|"
                     r"current|superseded|pending|delivered|failed|stale|missing)\b")


def test_states_are_named_in_chinese_and_taken_in_either_form(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CUNWU_HOME", str(tmp_path / "var"))
    monkeypatch.delenv("CUNWU_DATABASE_URL", raising=False)
    assert main(["init", "--demo"]) == 0
    capsys.readouterr()
    assert main(["notice", "list", "--state", "公示中"]) == 0
    chinese = capsys.readouterr().out
    assert main(["notice", "list", "--state", "published"]) == 0
    assert capsys.readouterr().out == chinese
    assert "公示中" in chinese and not _STORED.search(chinese)
    first = chinese.split()[0]
    assert main(["notice", "show", first]) == 0
    shown = capsys.readouterr().out
    assert "第1版" in shown and "现行版本" in shown and not _STORED.search(shown)
    main(["check", "consistency"])
    assert not _STORED.search(capsys.readouterr().out)
    assert main(["notice", "list", "--state", "发布"]) == 1
    assert "没有“发布”这个状态" in capsys.readouterr().err
