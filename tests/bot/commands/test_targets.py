"""``cunwu robot add|list|send-current|disable`` and ``cunwu delivery resend`` from the shell.

Not a storage test: the CLI opens its own SQLite database (see test_county.py)."""

from __future__ import annotations

import json

from bot.cli.main import main

REGIONS = "code,name\n419901000000,青禾县\n419901100000,城关镇\n419901100201,东湖村\n"


def test_a_clerk_manages_robots_in_chinese_from_the_shell(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CUNWU_HOME", str(tmp_path / "var"))
    monkeypatch.delenv("CUNWU_DATABASE_URL", raising=False)
    (tmp_path / "regions.csv").write_text(REGIONS, "utf-8")
    assert main(["regions", "import", str(tmp_path / "regions.csv")]) == 0
    assert main(["robot", "add", "419901100201", "--key", "secret-robot-key",
                 "--name", "东湖村村务工作群"]) == 0
    out = capsys.readouterr().out
    assert "目标编号 1" in out and "send-current 1" in out

    assert main(["robot", "list"]) == 0
    out = capsys.readouterr().out
    assert "东湖村" in out and "群机器人" in out and "secret-robot-key" not in out
    assert main(["robot", "send-current", "419901100201"]) == 0
    assert "没有要补发的" in capsys.readouterr().out

    assert main(["robot", "disable", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["active"] is False
    assert main(["robot", "list", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["active"] is False and row["address"] == "secr…"

    for argv, words in ((["delivery", "resend", "77"], "没有编号为 77 的投递"),
                        (["robot", "send-current", "abc"], "既不是12位村代码"),
                        (["robot", "disable", "9"], "没有编号为 9 的投递目标")):
        assert main(argv) == 1
        assert words in capsys.readouterr().err
