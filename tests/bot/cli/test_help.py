"""Every command and sub-action answers --help, and unknown usage exits 2."""

import argparse
import re

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
    out = capsys.readouterr().out
    assert done.value.code == 0 and out.startswith("用法：cunwu")
    for english in ("usage:", "positional arguments", "options:", "show this help"):
        assert english not in out


def _parsers(parser: argparse.ArgumentParser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


_CJK = re.compile("[\u4e00-\u9fff]")


def test_every_help_text_is_in_chinese():
    english = []
    for parser in _parsers(build_parser()):
        for action in parser._actions:
            texts = [action.help]
            if isinstance(action, argparse._SubParsersAction):
                texts = [choice.help for choice in action._choices_actions]
            # An argument without help is named by its Chinese metavar (用户名, 公示编号).
            texts = [text or str(action.metavar or "") for text in texts]
            english += [(parser.prog, action.dest, text) for text in texts
                        if text != argparse.SUPPRESS and not _CJK.search(text)]
    assert not english


def test_bad_usage_is_explained_in_chinese(capsys):
    with pytest.raises(SystemExit) as done:
        main(["import", "payouts", "清册.xlsx", "--year", "二〇二六"])
    err = capsys.readouterr().err
    assert done.value.code == 2
    assert "cunwu import payouts：错误：" in err and "不是有效的整数" in err
    with pytest.raises(SystemExit):
        main(["render", "1", "--paper", "A5", "-o", "x.pdf"])
    assert "无效的选择 'A5'（可选：'A4', 'A3'）" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["user", "add", "王五"])
    assert "缺少必填参数：--role, --scope" in capsys.readouterr().err


def test_a_role_is_given_in_chinese_or_as_stored():
    parser = build_parser()
    base = ["user", "add", "王五", "--scope", "419901100000"]
    assert parser.parse_args([*base, "--role", "乡镇经办人"]).role == "township_clerk"
    assert parser.parse_args([*base, "--role", "township_clerk"]).role == "township_clerk"
    assert parser.parse_args([*base, "--role", "村务监督委员会"]).role == "village_supervisor"


def test_an_unknown_role_lists_the_chinese_names(capsys):
    with pytest.raises(SystemExit):
        main(["user", "add", "王五", "--scope", "419901100000", "--role", "乡长"])
    err = capsys.readouterr().err
    assert "没有“乡长”这个角色" in err and "乡镇经办人" in err and "village_cadre" not in err


def test_bad_usage_exits_2(capsys):
    with pytest.raises(SystemExit) as done:
        main(["notice", "fly"])
    assert done.value.code == 2


def test_help_columns_line_up_although_chinese_is_two_columns_wide(capsys):
    from bot.cli.zh import display_width

    with pytest.raises(SystemExit):
        main(["import", "payouts", "--help"])
    out = capsys.readouterr().out
    options = out.split("选项：\n", 1)[1].splitlines()
    starts = set()
    for line in options:
        if line.startswith("  -") and "  " in line.strip():
            flag = line.rstrip().rpartition("  ")[0]
            starts.add(display_width(flag) + 2)
    assert len(starts) == 1  # every option's help starts in the same terminal column


def test_help_uses_the_glossarys_words_not_synonyms(capsys):
    from villages.glossary import NOT_TERMS, TERMS

    texts = []
    for path in PATHS:
        with pytest.raises(SystemExit):
            main([*path, "--help"])
        texts.append(capsys.readouterr().out)
    everything = "\n".join(texts)
    assert [word for word in NOT_TERMS if word in everything] == []
    assert all(term in everything for term in TERMS.values())


def test_an_objection_outcome_is_given_in_chinese_or_as_stored(capsys):
    parser = build_parser()
    base = ["objection", "answer", "Y2026000001", "--text", "已核实"]
    assert parser.parse_args([*base, "--outcome", "异议成立"]).outcome == "upheld"
    assert parser.parse_args([*base, "--outcome", "answered"]).outcome == "answered"
    with pytest.raises(SystemExit):
        main([*base, "--outcome", "成立"])
    assert "可选：异议成立、异议不成立、已答复" in capsys.readouterr().err
