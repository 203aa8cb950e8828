"""Pure rendering of notices: plain data in, PDF/PNG bytes out. Imports nothing else of Cunwu.

The names below are loaded on first use (PEP 562), so ``pdf.amounts`` (大写 amounts) can be
used without paying for ReportLab and the fonts, which a command like ``cunwu verify``
never needs.
"""

from importlib import import_module
from typing import Any

_WHERE = {
    "amount_in_words": "pdf.amounts",
    "format_yuan": "pdf.amounts",
    "FontError": "pdf.fonts",
    "FontFileError": "pdf.fonts",
    "FontSet": "pdf.fonts",
    "check_renderable": "pdf.fonts",
    "load_fonts": "pdf.fonts",
    "render_long_png": "pdf.images",
    "render_pngs": "pdf.images",
    "Style": "pdf.layout",
    "board_style": "pdf.layout",
    "NoticeDoc": "pdf.model",
    "PayoutLine": "pdf.model",
    "plan_notice": "pdf.notice",
    "render_notice": "pdf.notice",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'pdf' has no attribute {name!r}")
    return getattr(import_module(_WHERE[name]), name)
