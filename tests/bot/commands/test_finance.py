"""A township clerk runs the finance disclosure from the command line: the refusal without
the supervision committee's sign-off exits 1 and says why; after the sign-off the same
commands publish it, and ``cunwu verify`` reads its 期末余额."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from bot.cli.main import main
from tests.notices.ledgers.finance.test_services import ledger

VILLAGE = "419901100204"   # 北坡村: the demo keeps no finance for it


@pytest.fixture
def demo_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CUNWU_HOME", str(tmp_path / "var"))
    monkeypatch.delenv("CUNWU_DATABASE_URL", raising=False)
    assert main(["init", "--demo"]) == 0
    return tmp_path


def _json(capsys: pytest.CaptureFixture[str]) -> object:
    return json.loads(capsys.readouterr().out)


def test_finance_disclosure_from_the_command_line(demo_home, capsys):
    sheet = demo_home / "beipo-2026-10.csv"
    sheet.write_bytes(ledger())
    assert main(["import", "finance", str(sheet), "--village", VILLAGE, "--period", "2026-10",
                 "--as", "clerk100"]) == 0
    capsys.readouterr()
    assert main(["notice", "create", "--finance", VILLAGE, "2026-10", "--as", "clerk100",
                 "--json"]) == 0
    [draft] = _json(capsys)
    assert draft["kind"] == "finance_village" and draft["closing_fen"] == 5743360
    assert draft["signed_off"] is False
    assert main(["notice", "submit", str(draft["id"]), "--as", "clerk100"]) == 0
    capsys.readouterr()
    assert main(["notice", "approve", str(draft["id"]), "--as", "reviewer100"]) == 1
    assert "村务监督委员会尚未签核" in capsys.readouterr().err

    assert main(["user", "add", "北坡监督", "--role", "village_supervisor",
                 "--scope", VILLAGE]) == 0
    assert main(["finance", "signoff", "--village", VILLAGE, "--period", "2026-10",
                 "--opinion", "经审核，收支真实，同意公开", "--as", "北坡监督"]) == 0
    capsys.readouterr()
    assert main(["notice", "create", "--finance", VILLAGE, "2026-10", "--as", "clerk100",
                 "--json"]) == 0
    [redrafted] = _json(capsys)
    assert redrafted["id"] == draft["id"] and redrafted["signed_off"] is True
    for action, who in (("submit", "clerk100"), ("approve", "reviewer100"),
                        ("publish", "reviewer100")):
        assert main(["notice", action, str(draft["id"]), "--as", who]) == 0
    capsys.readouterr()
    assert main(["notice", "show", str(draft["id"]), "--json"]) == 0
    shown = _json(capsys)
    assert shown["state"] == "published" and shown["versions"][0]["status"] == "current"
    assert main(["verify", shown["verify_code"], "--json"]) == 0
    check = _json(capsys)
    assert (check["total_label"], check["total_fen"]) == ("期末余额", 5743360)

    # The cadre posts the board copy and records it with a photo; the matrix shows it.
    photo = demo_home / "IMG_0001.jpg"
    Image.new("RGB", (1600, 1200), (230, 225, 210)).save(photo, "JPEG")
    assert main(["user", "add", "北坡文书", "--role", "village_cadre", "--scope", VILLAGE]) == 0
    capsys.readouterr()
    assert main(["board", "posted", str(draft["id"]), "--village", VILLAGE, "--photo",
                 str(photo), "--as", "北坡文书", "--json"]) == 0
    assert _json(capsys)["version"] == 1
    main(["check", "consistency", "--village", VILLAGE, "--json"])
    matrix = _json(capsys)
    [row] = [r for r in matrix["notices"] if r["notice_id"] == draft["id"]]
    assert {"channel": "board", "target": "公开栏", "holds": 1, "state": "ok", "error": ""} \
        in row["cells"]
    main(["notice", "show", str(draft["id"]), "--json"])
    [posting] = _json(capsys)["versions"][0]["board_postings"]
    assert posting["posted_by"] == "北坡文书" and Path(posting["photo"]).is_file()
    not_a_photo = demo_home / "notes.jpg"
    not_a_photo.write_text("这不是照片")
    assert main(["board", "posted", str(draft["id"]), "--village", VILLAGE, "--photo",
                 str(not_a_photo), "--as", "北坡文书"]) == 1
    assert "不是能打开的图片" in capsys.readouterr().err
