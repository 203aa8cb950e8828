"""``cunwu import payouts`` and ``cunwu payouts list`` as a clerk reads them in a terminal.

Not a storage test: the CLI opens its own SQLite database (see test_county.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import main
from tests.builders import REGIONS, TOWNSHIP, payout_csv

BASE = ["import", "payouts", "--township", TOWNSHIP, "--program", "耕地地力保护补贴",
        "--year", "2026"]
PEOPLE = [("东湖村", "一组", "张三", "3.5", "350.00"), ("东湖村", "二组", "李四", "2", "0")]


@pytest.fixture
def county(tmp_path, monkeypatch, capsys) -> Path:
    monkeypatch.setenv("CUNWU_HOME", str(tmp_path / "var"))
    monkeypatch.delenv("CUNWU_DATABASE_URL", raising=False)
    regions = tmp_path / "regions.csv"
    regions.write_text("code,name\n" + "".join(f"{c},{n}\n" for c, n in REGIONS))
    assert main(["regions", "import", str(regions)]) == 0
    capsys.readouterr()
    return tmp_path


def test_a_wrong_total_is_reported_at_its_row_of_the_sheet(county, capsys):
    sheet = county / "清册.csv"
    sheet.write_bytes(payout_csv(PEOPLE, total="999.00"))
    assert main([*BASE, str(sheet)]) == 1
    err = capsys.readouterr().err
    # Title, header, two people: the 合计 row is the sheet's fifth.
    assert "第5行 “补贴金额（元）”列 值“999.00”：表内合计 999.00 元，逐行相加 350.00 元" in err
    assert "row=" not in err and "sheet=" not in err


def test_text_mode_shows_the_warnings_it_asks_to_accept(county, capsys):
    sheet = county / "清册.csv"
    sheet.write_bytes(payout_csv(PEOPLE, total="350.00"))
    assert main([*BASE, str(sheet)]) == 1
    err = capsys.readouterr().err
    assert "--accept-warnings" in err and "提醒（1 条）：" in err and "第4行" in err
    assert "金额为0" in err
    assert main([*BASE, str(sheet), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "校验通过（未保存）" in out and "金额为0" in out and "--accept-warnings" in out
    assert main([*BASE, str(sheet), "--accept-warnings"]) == 0
    out = capsys.readouterr().out
    assert "已导入为批次" in out and "提醒（1 条，已确认）：" in out and "金额为0" in out


def test_payouts_list_starts_with_a_header_line(county, capsys):
    sheet = county / "清册.csv"
    sheet.write_bytes(payout_csv(PEOPLE[:1]))
    assert main([*BASE, str(sheet), "--json"]) == 0
    batch = json.loads(capsys.readouterr().out)["batch_id"]
    assert main(["payouts", "list", "--batch", str(batch)]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split() == ["记录编号", "村", "姓名", "身份证号（已遮盖）", "金额（元）"]
    assert "张三" in row and "350.00" in row


def test_json_is_utf8_even_when_the_locale_is_ascii(county):
    env = {**os.environ, "CUNWU_HOME": str(county / "var"), "PYTHONIOENCODING": "ascii"}
    env.pop("CUNWU_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "bot.cli.main", "verify", "ZZZZ-ZZZZ",
                           "--json"], capture_output=True, env=env, timeout=60)
    assert done.returncode == 1
    document = json.loads(done.stdout.decode("utf-8"))
    assert "没有核验码" in document["message"]
    assert b"\\u" not in done.stdout and b"Traceback" not in done.stderr


def test_the_payout_date_given_on_import_is_on_the_board(county, capsys):
    from tests.pdf.readback import page_texts

    sheet = county / "清册.csv"
    sheet.write_bytes(payout_csv(PEOPLE[:1]))
    assert main([*BASE, str(sheet), "--paid-on", "2026-10-9", "--json"]) == 0
    batch = json.loads(capsys.readouterr().out)["batch_id"]
    assert main(["notice", "create", "--batch", str(batch), "--json"]) == 0
    village = next(n for n in json.loads(capsys.readouterr().out)
                   if n["region"]["name"] == "东湖村")
    board = county / "board.pdf"
    assert main(["render", str(village["id"]), "-o", str(board)]) == 0
    text = "".join(page_texts(board.read_bytes()))
    assert "发放时间：2026年10月9日" in text and "制表人：" in text
    assert main([*BASE, str(sheet), "--paid-on", "10月9日", "--program", "农机购置补贴"]) == 1
    assert "发放时间“10月9日”不对" in capsys.readouterr().err
