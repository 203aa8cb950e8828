"""The board PDF of any notice kind: the payout table, or a general notice's flowing body."""

from __future__ import annotations

from typing import Any

from notices.channels import Publication, board_doc
from notices.files import FileStore
from notices.general import read_pictures
from notices.general_channels import general_board_doc, is_general
from pdf import render_notice
from pdf.general import render_general


def board_pdf(content: dict[str, Any], pub: Publication, store: FileStore, *,
              draft: bool) -> bytes:
    if is_general(content):
        pictures = read_pictures(content, store)
        return render_general(general_board_doc(content, pub, pictures, draft=draft))
    return render_notice(board_doc(content, pub, draft=draft))
