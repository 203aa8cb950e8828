"""What publishing adds to a version's content: when, how long, and how to check it.

Every channel's renderer takes a ``Publication`` beside the content, so the board, the
robot card and the group text print the same period, verify code and link.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Publication:
    verify_code: str = ""
    url: str = ""
    period_start: date | None = None
    period_end: date | None = None
    published_on: date | None = None
    supervision_phone: str = ""
    correction_of: str = ""
    correction_reason: str = ""


def publication_of(content: dict[str, Any], code: str, url: str) -> Publication:
    """The publication a stored version's content describes (its period, phone, correction)."""
    return Publication(
        verify_code=code, url=url,
        period_start=date.fromisoformat(content["period"]["start"]),
        period_end=date.fromisoformat(content["period"]["end"]),
        published_on=date.fromisoformat(content["period"]["start"]),
        supervision_phone=content.get("supervision_phone", ""),
        correction_of=content.get("correction", {}).get("of", ""),
        correction_reason=content.get("correction", {}).get("reason", "") or "",
    )
