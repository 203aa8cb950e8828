"""Settings are declared once; the README's table must list every one of them."""

from pathlib import Path

import pytest

from bot.settings import SETTINGS, load_config

README = Path(__file__).resolve().parents[2] / "README.md"


def test_every_setting_is_in_the_readme_table():
    text = README.read_text("utf-8")
    missing = [s.name for s in SETTINGS if f"| `{s.name}` |" not in text]
    assert not missing


def test_defaults_work_from_a_clean_checkout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = load_config({})
    assert config.home == tmp_path / "var"
    assert config.database_url == f"sqlite://{tmp_path / 'var' / 'cunwu.sqlite3'}"
    assert config.wechat_mode == "fake"
    assert config.wecom_api_base == "http://127.0.0.1:8080/_fake/wechat"


@pytest.mark.parametrize(("name", "value", "words"), [
    ("CUNWU_WECHAT", "real", "fake"), ("CUNWU_PORT", "80a", "whole number"),
    ("CUNWU_PUBLICITY_DAYS", "5", "至少7天"),
])
def test_a_bad_setting_is_named(name, value, words):
    with pytest.raises(ValueError, match=name) as caught:
        load_config({name: value})
    assert words in str(caught.value)
