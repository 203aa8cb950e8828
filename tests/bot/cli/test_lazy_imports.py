"""The command line imports only what the chosen command needs, so it answers at once
(bench/cli_startup.py measures the seconds; these tests hold the reason)."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys

import pytest

from bot.cli.main import build_parser

HEAVY = ("tortoise", "aiohttp", "reportlab", "argon2", "wechatpy", "jinja2", "pypdfium2",
         "python_calamine", "PIL")


def _loaded_after(code: str) -> set[str]:
    """Top-level packages a fresh interpreter has loaded after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.strip().splitlines()[-1]
    return {name.split(".")[0] for name in json.loads(out)}


def _handlers(parser: argparse.ArgumentParser) -> list[str]:
    found = [parser.get_default("handler")] if parser.get_default("handler") else []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found += _handlers(sub)
    return found


def test_help_loads_no_library_of_the_service():
    loaded = _loaded_after("from bot.cli.main import build_parser; build_parser()")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_verify_reads_its_rows_without_the_orm_or_any_rendering_web_or_wechat_code():
    loaded = _loaded_after("import bot.commands.verify")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


@pytest.mark.parametrize("handler", sorted(set(_handlers(build_parser()))))
def test_every_command_names_a_handler_that_exists(handler):
    module, name = handler.split(":")
    assert callable(getattr(importlib.import_module(module), name))
