"""Pure rendering of notices: plain data in, PDF/PNG bytes out. Imports nothing else of Cunwu."""

from pdf.amounts import amount_in_words, format_yuan
from pdf.fonts import FontError, FontFileError, FontSet, check_renderable, load_fonts
from pdf.images import render_long_png, render_pngs
from pdf.layout import Style, board_style
from pdf.model import NoticeDoc, PayoutLine
from pdf.notice import plan_notice, render_notice

__all__ = [
    "FontError",
    "FontFileError",
    "FontSet",
    "NoticeDoc",
    "PayoutLine",
    "Style",
    "amount_in_words",
    "board_style",
    "check_renderable",
    "format_yuan",
    "load_fonts",
    "plan_notice",
    "render_long_png",
    "render_notice",
    "render_pngs",
]
