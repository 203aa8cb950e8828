"""The board PDF of any notice kind: the payout table, a finance disclosure, or a general
notice's flowing body."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from notices.channels import Publication, board_doc
from notices.files import FileStore
from notices.finance_channels import finance_doc
from notices.finance_notice import is_finance
from notices.general import read_pictures
from notices.general_channels import general_board_doc, is_general
from pdf import Style, render_notice
from pdf.finance import render_finance
from pdf.general import render_general
from pdf.notice import STYLE


def board_pdf(content: dict[str, Any], pub: Publication, store: FileStore, *,
              draft: bool, style: Style = STYLE, withdrawn: bool = False) -> bytes:
    """Raises pdf.FontError for a character no font can draw."""
    if is_general(content):
        pictures = read_pictures(content, store)
        doc = general_board_doc(content, pub, pictures, draft=draft)
        return render_general(replace(doc, withdrawn=withdrawn), style=style)
    if is_finance(content):
        return render_finance(replace(finance_doc(content, pub, draft=draft),
                                      withdrawn=withdrawn), style=style)
    return render_notice(replace(board_doc(content, pub, draft=draft), withdrawn=withdrawn),
                         style=style)
