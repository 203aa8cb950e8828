"""The board PDF of a notice's content, whatever its kind."""

from __future__ import annotations

from typing import Any

from notices.channels import Publication, board_doc
from notices.finance_channels import finance_doc
from notices.finance_notice import is_finance
from pdf import render_notice
from pdf.finance import render_finance


def render_board(content: dict[str, Any], pub: Publication, *, draft: bool) -> bytes:
    """Raises pdf.FontError for a character no font can draw."""
    if is_finance(content):
        return render_finance(finance_doc(content, pub, draft=draft))
    return render_notice(board_doc(content, pub, draft=draft))
