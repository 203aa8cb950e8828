"""Images of a version's board PDF for WeChat places, rendered once and kept in the store.

Two sources. The robot goes to the cadres' internal working group, which also gets the
board PDF to print: its page-1 image is the board itself. Customer groups and forward packs
reach villagers' groups, which are online channels (DESIGN §2): their images come from an
*online* rendering of the same version with names masked (张*三), never from the board.

Page-1 PNGs stay under the robot's 2 MB; the long image stacks every page. PDFium is not
thread-safe, so renders run in a thread one at a time (``_RENDER_LOCK``).
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from notices.files import FileStore
from notices.models import NoticeVersion
from notices.privacy.masking import mask_name_online
from notices.render.board import board_pdf
from notices.render.publication import publication_of
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


def masked_content(content: dict[str, Any]) -> dict[str, Any]:
    """The version's content as online channels may show it: personal names masked."""
    if content["kind"] != "payout_village":
        return content  # a township summary lists villages, not people
    rows = [{**row, "name": mask_name_online(row["name"])} for row in content["rows"]]
    return {**content, "rows": rows}


def _online_pdf(version: NoticeVersion, public_url: str, store: FileStore) -> bytes:
    content = version.content
    pub = publication_of(content, version.verify_code, f"{public_url}/n/{version.verify_code}")
    with _RENDER_LOCK:  # ReportLab is fine threaded, but keep renders one at a time
        return board_pdf(masked_content(content), pub, store, draft=False)


async def online_pdf_file(store: FileStore, version: NoticeVersion, public_url: str) -> str:
    """The store's name of the online PDF (names masked), rendered on first use."""
    name = f"{version.verify_code}-online.pdf"
    if not store.exists(name):
        store.put(name, await asyncio.to_thread(_online_pdf, version, public_url, store))
    return name


async def online_pdf(store: FileStore, version: NoticeVersion, public_url: str) -> bytes:
    return store.read(await online_pdf_file(store, version, public_url))


async def page_one_png(store: FileStore, version: NoticeVersion,
                       limit: int = ROBOT_IMAGE_LIMIT) -> bytes:
    """Page 1 of the board, for the cadres' working group only."""
    name = f"{version.verify_code}-p1.png"
    if not store.exists(name):
        png = await asyncio.to_thread(_page_one, store.read(version.pdf_file), limit)
        store.put(name, png)
    return store.read(name)


async def online_page_one_png(store: FileStore, version: NoticeVersion, public_url: str,
                              limit: int = ROBOT_IMAGE_LIMIT) -> bytes:
    """Page 1 with masked names, for villagers' customer groups."""
    name = f"{version.verify_code}-online-p1.png"
    if not store.exists(name):
        pdf = await online_pdf(store, version, public_url)
        store.put(name, await asyncio.to_thread(_page_one, pdf, limit))
    return store.read(name)


async def long_png(store: FileStore, version: NoticeVersion, public_url: str) -> bytes:
    """Every page, masked, as one tall image for ordinary WeChat groups."""
    name = f"{version.verify_code}-online-long.png"
    if not store.exists(name):
        pdf = await online_pdf(store, version, public_url)
        store.put(name, await asyncio.to_thread(_long, pdf))
    return store.read(name)
