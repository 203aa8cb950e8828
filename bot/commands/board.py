"""``cunwu board posted``: a cadre's proof that the board holds a version."""

from __future__ import annotations

import argparse
import os

from bot.commands.core import Outcome, read_file
from bot.runtime import opened
from bot.settings import Config
from notices.delivery.board_posting import MAX_PHOTO_BYTES, posting_summary, record_board_posting
from notices.models import NoticeVersion
from villages import services as villages
from villages.errors import InvalidInput


async def board_posted(args: argparse.Namespace, config: Config) -> Outcome:
    try:
        size = os.stat(args.photo).st_size
    except OSError as exc:
        raise InvalidInput(f"读不了文件 {args.photo}：{exc.strerror}") from None
    if size > MAX_PHOTO_BYTES:  # refuse before reading a huge file into memory
        raise InvalidInput(f"照片 {os.path.basename(args.photo)} 有 {size / 1048576:.1f} MB，"
                           f"超过 {MAX_PHOTO_BYTES // 1048576} MB 上限，请压缩后再传")
    data = read_file(args.photo)
    async with opened(config) as runtime:
        actor = await villages.get_staff(args.actor)
        posting = await record_board_posting(args.notice, args.village, data,
                                             os.path.basename(args.photo), actor, runtime.store)
        version = await NoticeVersion.get(id=posting.version_id)
        out = posting_summary(posting, version)
    return out, (f"已记录：公示 {args.notice} 第{out['version']}版（核验码 {out['verify_code']}）"
                 "已张贴在公开栏，照片已保存")
