"""The board PDF of any notice kind: the payout table, a finance disclosure, or a general
notice's flowing body; and the board PDF of a notice as it stands (stored or draft)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from notices.files import FileStore
from notices.kinds.finance import is_finance
from notices.models import Notice, NoticeVersion, VersionStatus
from notices.render.finance import finance_doc
from notices.render.general import general_board_doc, is_general
from notices.render.payout import board_doc
from notices.render.publication import Publication, publication_of
from pdf import Style, render_notice
from pdf.notice import STYLE


def board_pdf(content: dict[str, Any], pub: Publication, store: FileStore, *,
              draft: bool, style: Style = STYLE, withdrawn: bool = False) -> bytes:
    """Raises pdf.FontError for a character no font can draw.

    Each kind's renderer is imported when a notice of that kind is drawn: the command line
    prints one board at a time, and most are payout lists (ReportLab's paragraph engine,
    which only the general notice needs, costs a tenth of a second to load)."""
    if is_general(content):
        from notices.kinds.general import read_pictures
        from pdf.general import render_general

        pictures = read_pictures(content, store)
        doc = general_board_doc(content, pub, pictures, draft=draft)
        return render_general(replace(doc, withdrawn=withdrawn), style=style)
    if is_finance(content):
        from pdf.finance import render_finance

        return render_finance(replace(finance_doc(content, pub, draft=draft),
                                      withdrawn=withdrawn), style=style)
    return render_notice(replace(board_doc(content, pub, draft=draft), withdrawn=withdrawn),
                         style=style)


async def render_notice_pdf(notice: Notice, store: FileStore, public_url: str) -> tuple[bytes, str]:
    """(PDF bytes, which version). A published notice gives exactly the file that was
    published; a withdrawn one is that version again with the 已撤回 stamp over it (a clean
    copy of a list that no longer stands must not be printed); an unpublished one renders
    its draft with the 草稿 watermark."""
    version = await NoticeVersion.filter(notice=notice).order_by("-number").first()
    if version is not None and version.status == VersionStatus.WITHDRAWN:
        code = version.verify_code
        pub = publication_of(version.content, code, f"{public_url}/n/{code}")
        return (board_pdf(version.content, pub, store, draft=False, withdrawn=True),
                f"v{version.number}（已撤回）")
    if version is not None:
        return store.read(version.pdf_file), f"v{version.number}"
    return board_pdf(notice.draft_content, Publication(), store, draft=True), "草稿"
