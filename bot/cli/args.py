"""Argument helpers shared by the ``cunwu`` sub-command parsers."""

from __future__ import annotations

import argparse

from villages import glossary

ROLE_CHOICES = "、".join(glossary.ROLE_ZH.values())


def role_arg(text: str) -> str:
    """--role takes 乡镇经办人 as well as the stored value township_clerk."""
    role = glossary.role_value(text)
    if role is None:
        raise argparse.ArgumentTypeError(f"没有“{text}”这个角色，可选：{ROLE_CHOICES}")
    return role


def actor_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as", dest="actor", default="admin", metavar="用户名",
                   help="以谁的身份操作（默认：admin）")


def region_filter(p: argparse.ArgumentParser) -> None:
    where = p.add_mutually_exclusive_group()
    where.add_argument("--township", metavar="乡镇代码", help="乡镇的12位区划代码")
    where.add_argument("--village", metavar="村代码", help="村的12位区划代码")


def json_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="在标准输出打印一份 JSON（UTF-8）")


Subparsers = argparse._SubParsersAction


def command_group(sub: Subparsers, name: str, help: str) -> Subparsers:
    """A command whose actions are sub-commands (``cunwu notice publish``)."""
    return sub.add_parser(name, help=help, description=help).add_subparsers(
        dest="action", required=True, metavar="操作", title="操作一览")
