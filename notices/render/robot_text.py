"""Text a person typed, made inert inside a WeCom group robot's markdown card.

The robot's markdown makes ``[文字](链接)`` a live link, ``<font color=…>`` coloured text
and ``<@userid>`` / ``<@all>`` a mention that pings the whole group. A title, a village's
name, a reason or a notice's body is typed by a clerk (or imported from a sheet), so a
title like ``[点此领取](http://…)`` would put a phishing link into the cadres' group under
the government's name. The platform documents no escape character, so the few characters
that open markup are swapped for their full-width twins, which read the same to a villager
and mean nothing to the renderer. Line breaks become spaces: a typed line that starts with
``>`` or ``#`` would otherwise open a quote or a heading of its own. Our own template
markup (headings, bold, the verify code's colour, the page link) is added around the
escaped text and stays live.
"""

from __future__ import annotations

from typing import Any

_INERT = str.maketrans({
    "[": "［", "]": "］", "(": "（", ")": "）",   # links and images
    "<": "＜", ">": "＞",                         # <font>, <@all>, any tag
    "*": "＊", "_": "＿", "`": "｀", "~": "～",    # bold, italics, code, strike-through
    "#": "＃", "&": "＆", "\\": "＼", "|": "｜",   # headings, entities, escapes, tables
    "\r": " ", "\n": " ", "\t": " ", "\u2028": " ", "\u2029": " ",
})


def inert(value: Any) -> str:
    """``value`` as text that shows as typed in a robot card and never becomes markup."""
    return str(value).translate(_INERT)
