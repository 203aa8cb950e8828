"""``cunwu user passwd`` and ``cunwu user token``: a staff member's console password and
import-API token."""

from __future__ import annotations

import argparse
import getpass
import sys

from bot.commands import Outcome
from bot.runtime import opened
from bot.settings import Config
from notices.web.signin import check_password_strength, issue_api_token, set_password
from villages.errors import InvalidInput


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("新密码：")
    if getpass.getpass("再输一次：") != first:
        raise InvalidInput("两次输入的密码不一致")
    return first


async def user_passwd(args: argparse.Namespace, config: Config) -> Outcome:
    password = _read_password(args.password_stdin)
    check_password_strength(password)  # before the database is opened
    async with opened(config):
        await set_password(args.name, password, actor="cli")
    return {"name": args.name, "password_set": True}, f"已为 {args.name} 设置网页登录密码"


async def user_token(args: argparse.Namespace, config: Config) -> Outcome:
    async with opened(config):
        token = await issue_api_token(args.name, actor="cli")
    return ({"name": args.name, "token": token},
            f"{token}\n（{args.name} 的导入接口令牌，只显示这一次；旧令牌已失效）")
