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


def test_one_setting_drives_every_address_when_the_port_moves():
    config = load_config({"CUNWU_PORT": "18080"})
    assert config.port == 18080
    assert config.public_url == "http://127.0.0.1:18080"
    assert config.wecom_api_base == "http://127.0.0.1:18080/_fake/wechat"
    assert config.mp_api_base == "http://127.0.0.1:18080/_fake/wechat"


def test_the_listen_host_drives_the_addresses_and_every_interface_means_loopback():
    assert load_config({"CUNWU_HOST": "192.168.1.20"}).public_url == "http://192.168.1.20:8080"
    assert load_config({"CUNWU_HOST": "0.0.0.0"}).public_url == "http://127.0.0.1:8080"
    assert load_config({"CUNWU_HOST": "::1"}).public_url == "http://[::1]:8080"


def test_a_public_url_names_the_address_and_the_fake_follows_it():
    config = load_config({"CUNWU_PUBLIC_URL": "https://cunwu.test/", "CUNWU_PORT": "18080"})
    assert config.public_url == "https://cunwu.test"
    assert config.wecom_api_base == "https://cunwu.test/_fake/wechat"


@pytest.mark.parametrize(("name", "value"), [
    ("CUNWU_PORT", "0"), ("CUNWU_PORT", "70000"), ("CUNWU_PUBLIC_URL", "cunwu.test"),
])
def test_an_address_that_cannot_work_is_refused(name, value):
    with pytest.raises(ValueError, match=name):
        load_config({name: value})


def test_cunwu_settings_shows_the_address_links_will_use(monkeypatch, capsys, tmp_path):
    import json

    from bot.cli.main import main
    monkeypatch.setenv("CUNWU_HOME", str(tmp_path))
    monkeypatch.setenv("CUNWU_PORT", "18080")
    monkeypatch.delenv("CUNWU_PUBLIC_URL", raising=False)
    assert main(["settings", "--json"]) == 0
    rows = {r["name"]: r["value"] for r in json.loads(capsys.readouterr().out)}
    assert rows["CUNWU_PUBLIC_URL"] == "http://127.0.0.1:18080"
