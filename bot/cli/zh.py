"""argparse in plain Chinese: 用法, 选项, and its error messages.

argparse builds its words from English templates (``usage: ``, ``the following arguments
are required: %s``). The help texts are ours and Chinese; this module puts argparse's own
words in Chinese too, without touching the ``argparse`` module that other code shares: a
help formatter for the headings and a parser whose ``error`` translates the message.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Iterable
from typing import Any, NoReturn

# argparse's message templates (Lib/argparse.py, Python 3.11) and what a clerk reads.
_MESSAGES = {
    "the following arguments are required: %s": "缺少必填参数：%s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "无效的选择 %(value)r（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的%(type)s",
    "expected one argument": "后面要跟一个值",
    "expected at least one argument": "后面至少要跟一个值",
    "expected at most one argument": "后面最多跟一个值",
    "expected %s arguments": "后面要跟 %s 个值",
    "expected %s argument": "后面要跟 %s 个值",
    "not allowed with argument %s": "不能与 %s 同时使用",
    "one of the arguments %s is required": "%s 必须给出其中一个",
    "ambiguous option: %(option)s could match %(matches)s":
        "选项 %(option)s 不明确，可能是 %(matches)s",
    "ignored explicit argument %r": "多给了值 %r",
}
_TYPE_NAMES = {"int": "整数", "float": "数字"}
_HEADINGS = {"positional arguments": "位置参数", "options": "选项"}
HELP_TEXT = "显示本帮助并退出"
_HEADING_COLON = re.compile(r"^([^\s:][^:\n]*):$", re.M)


def _pattern(template: str) -> re.Pattern[str]:
    """A regex matching what ``template % values`` produced, capturing each value."""
    parts = re.split(r"(%\(\w+\)[sr]|%[sr])", template)
    regex, index = "", 0
    for part in parts:
        if part.startswith("%"):
            name = part[2:-2] if part.startswith("%(") else f"arg{index}"
            regex += f"(?P<{name}>.+?)"
            index += 1
        else:
            regex += re.escape(part)
    return re.compile(f"^{regex}$", re.S)


_COMPILED = [(_pattern(en), zh) for en, zh in _MESSAGES.items()]


def translate(message: str) -> str:
    """argparse's English error message in Chinese; anything unknown is kept as it is."""
    for pattern, zh in _COMPILED:
        match = pattern.match(message)
        if match is None:
            continue
        values = match.groupdict()
        if "message" in values:
            values["message"] = translate(values["message"])
        if "type" in values:
            values["type"] = _TYPE_NAMES.get(values["type"], values["type"])
        positional = [values.pop(f"arg{i}") for i in range(len(values)) if f"arg{i}" in values]
        # The captured %r values are already quoted: put them back as plain text.
        filled = re.sub(r"%\((\w+)\)r", r"%(\1)s", zh).replace("%r", "%s")
        return filled % (tuple(positional) if positional else values)
    return message


def display_width(text: str) -> int:
    """Terminal columns: a Chinese character (or full-width sign) takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def wrap_columns(text: str, width: int) -> list[str]:
    """Help text in lines of at most ``width`` terminal columns: Chinese breaks between any
    two characters (not before closing punctuation), Latin words and numbers stay whole."""
    lines: list[str] = []
    line = ""
    for token in re.findall(r"[A-Za-z0-9_.,:/<>|=@%+*-]+|\s+|.", " ".join(text.split())):
        if display_width(line + token) > width and line.strip() and token not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = "" if token.isspace() else token
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


_NO_LINE_START = set("，。、；：？！）》」』”’…")


class ChineseHelpFormatter(argparse.HelpFormatter):
    """用法： instead of usage:, Chinese group headings, and columns that line up although
    a Chinese character is two terminal columns wide (argparse counts one)."""

    def add_argument(self, action: argparse.Action) -> None:
        if action.help is not argparse.SUPPRESS:
            invocations = [self._format_action_invocation(action)]
            invocations += [self._format_action_invocation(sub)
                            for sub in self._iter_indented_subactions(action)]
            longest = max(map(display_width, invocations)) + self._current_indent
            self._action_max_length = max(self._action_max_length, longest)
            self._add_item(self._format_action, [action])

    def _format_action(self, action: argparse.Action) -> str:
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent = " " * self._current_indent
        help_lines = wrap_columns(self._expand_help(action), help_width) if action.help else []
        if not help_lines:
            parts = [f"{indent}{header}\n"]
        elif display_width(header) <= action_width:
            pad = " " * (action_width - display_width(header) + 2)
            parts = [f"{indent}{header}{pad}{help_lines[0]}\n"]
            help_lines = help_lines[1:]
        else:
            parts = [f"{indent}{header}\n"]
        parts += [f"{' ' * help_position}{line}\n" for line in help_lines]
        parts += [self._format_action(sub) for sub in self._iter_indented_subactions(action)]
        return self._join_parts(parts)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap_columns(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap_columns(text, width - len(indent)))

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup],
                  prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        super().start_section(_HEADINGS.get(heading or "", heading))

    def format_help(self) -> str:
        # argparse ends each heading with an ASCII colon; Chinese text takes the full-width one.
        return _HEADING_COLON.sub(r"\1：", super().format_help())


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser (and, through add_subparsers, every sub-parser) speaking Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, **kwargs)
        for action in self._actions:
            if isinstance(action, argparse._HelpAction):
                action.help = HELP_TEXT

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{translate(message)}\n")
