"""Images of a version's board PDF for WeChat places, rendered once and kept in the store.

Page 1 as a PNG for the robot's ``image`` message (≤ 2 MB raw) and customer-group
attachments; all pages as one long PNG for forward packs. PDFium is not thread-safe, so
renders run in a thread one at a time (``_RENDER_LOCK``).
"""

from __future__ import annotations

import asyncio
import threading

from notices.files import FileStore
from notices.models import NoticeVersion
from pdf import render_long_png, render_pngs

ROBOT_IMAGE_LIMIT = 2 * 1024 * 1024
_RENDER_LOCK = threading.Lock()


def _page_one(pdf: bytes, limit: int) -> bytes:
    with _RENDER_LOCK:
        for width in (1080, 900, 720, 540):  # narrower until it fits the platform's limit
            png = render_pngs(pdf, width_px=width)[0]
            if len(png) <= limit:
                return png
    raise ValueError(f"第一页图片压到 540 像素宽仍超过 {limit} 字节")


def _long(pdf: bytes) -> bytes:
    with _RENDER_LOCK:
        return render_long_png(pdf)


async def page_one_png(store: FileStore, version: NoticeVersion,
                       limit: int = ROBOT_IMAGE_LIMIT) -> bytes:
    name = f"{version.verify_code}-p1.png"
    if not store.exists(name):
        png = await asyncio.to_thread(_page_one, store.read(version.pdf_file), limit)
        store.put(name, png)
    return store.read(name)


async def long_png(store: FileStore, version: NoticeVersion) -> bytes:
    name = f"{version.verify_code}-long.png"
    if not store.exists(name):
        store.put(name, await asyncio.to_thread(_long, store.read(version.pdf_file)))
    return store.read(name)
