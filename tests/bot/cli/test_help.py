"""Every command and sub-action answers --help, and unknown usage exits 2."""

import argparse

import pytest

from bot.cli.main import build_parser, main


def _paths(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*prefix, name)
                yield from _paths(sub, (*prefix, name))


PATHS = list(_paths(build_parser()))


def test_the_commands_a_clerk_needs_are_all_there():
    assert {("import", "payouts"), ("import", "finance"), ("notice", "publish"),
            ("notice", "correct"), ("check", "consistency"), ("verify",), ("render",),
            ("objection", "answer"), ("audit", "verify")} <= set(PATHS)


@pytest.mark.parametrize("path", PATHS, ids=" ".join)
def test_help_works(path, capsys):
    with pytest.raises(SystemExit) as done:
        main([*path, "--help"])
    assert done.value.code == 0 and "usage: cunwu" in capsys.readouterr().out


def test_bad_usage_exits_2(capsys):
    with pytest.raises(SystemExit) as done:
        main(["notice", "fly"])
    assert done.value.code == 2
