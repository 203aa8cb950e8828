"""The board PDF of a notice: the stored file of its newest version, or a draft render."""

from __future__ import annotations

from notices.board import board_pdf
from notices.channels import Publication
from notices.files import FileStore
from notices.models import Notice, NoticeVersion


async def render_notice_pdf(notice: Notice, store: FileStore, public_url: str) -> tuple[bytes, str]:
    """(PDF bytes, which version). A published notice gives exactly the file that was
    published; an unpublished one renders its draft with the 草稿 watermark."""
    version = await NoticeVersion.filter(notice=notice).order_by("-number").first()
    if version is not None:
        return store.read(version.pdf_file), f"v{version.number}"
    return board_pdf(notice.draft_content, Publication(), store, draft=True), "草稿"
