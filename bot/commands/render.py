"""``cunwu render``: the board PDF of one notice, or of every notice of whole townships.

One notice needs only the database, the file store and the renderer: nothing of the web,
WeChat or the workflow is imported, so printing one board answers quickly.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from bot.db import database
from bot.settings import Config
from notices.files import FileStore
from notices.models import get_notice


async def render(args: argparse.Namespace, config: Config) -> tuple[Any, str, int]:
    # The batch machinery (processes, merging) loads only for what needs it: printing one
    # notice's board in the usual layout is most calls, and it starts the renderer alone.
    plain = args.paper == "A4" and not args.landscape and not args.large_print
    if args.notice is None or args.program or args.year or not plain:
        from bot import render_batch
        from pdf import board_style

        style = board_style(args.paper, landscape=args.landscape, large_print=args.large_print)
    if args.notice is None:
        if not args.program or not args.year:
            render_batch.usage_error("--township/--county 需要 --program 和 --year")
        from bot.runtime import opened

        async with opened(config) as runtime:
            summary = await render_batch.render_batch(
                Path(args.output), runtime.store, config.public_url, program=args.program,
                year=args.year, township=args.township, county=args.county, style=style,
                workers=args.workers, progress=render_batch.progress_bar())
        return summary.as_dict(), summary.text(), 1 if summary.failed else 0
    if args.program or args.year:
        render_batch.usage_error("--program/--year 只用于 --township/--county 批量导出")
    store = FileStore(config.files_dir)
    async with database(config.database_url):
        notice = await get_notice(args.notice)
        if plain:
            from notices.render.board import render_notice_pdf

            data, label = await render_notice_pdf(notice, store, config.public_url)
        else:
            data, label = await render_batch.notice_pdf(notice, config.public_url, style, store)
    Path(args.output).write_bytes(data)
    return {"notice": args.notice, "output": args.output, "bytes": len(data),
            "version": label}, f"已写出 {args.output}（{label}）", 0
