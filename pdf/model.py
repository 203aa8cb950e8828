"""Plain data the renderer takes. No ORM rows, no database: callers build these.

Amounts are integer fen. Every string here is untrusted user text and is escaped by the
renderer before it reaches ReportLab markup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class PayoutLine:
    """One row of a payout notice as the board shows it (already masked by the caller)."""

    name: str                 # full name on the board; masked name online
    group: str = ""           # 村民小组, e.g. "三组"
    id_display: str = ""      # "" (omitted) or "410521********1234"
    quantity: str = ""        # e.g. "12.50" (already formatted, unit in the header)
    rate: str = ""            # e.g. "92.50"
    amount_fen: int = 0
    note: str = ""


@dataclass(frozen=True)
class NoticeDoc:
    """A payout notice (one village) or a township summary, ready to print."""

    title: str                          # 关于2026年耕地地力保护补贴发放情况的公示
    issuer: str                         # 某某镇人民政府 / 某某村民委员会
    region_name: str                    # 城关镇 · 东湖村
    intro: str                          # short paragraph: 依据, 标准, 对象
    columns: tuple[str, ...]            # visible column titles, see PayoutLine fields
    lines: tuple[PayoutLine, ...]
    total_fen: int
    period_start: date                  # 公示期 start (inclusive)
    period_end: date                    # 公示期 end (inclusive)
    supervision_phone: str              # 监督电话 (township)
    report_phone: str = "12345"         # 举报电话 (county)
    verify_code: str = ""               # "7F3K-92QD"; printed on every page
    url: str = ""                       # the notice's web page; encoded in the QR code
    issued_on: date | None = None
    draft: bool = False                 # diagonal 草稿 未经审核 watermark on every page
    correction_of: str = ""             # verify code of the superseded version -> 更正 banner
    correction_reason: str = ""         # why it was corrected, printed in the 更正 banner
    withdrawn: bool = False             # 已撤回 stamp
    quantity_unit: str = ""             # e.g. "亩" for the quantity column header
    paid_on: str = ""                   # 发放时间 as the catalog item names it, e.g. 2026年10月
    # 制表人/审核人 line of a payout board: names if known, else blanks to sign by hand.
    sign_line: bool = False
    prepared_by: str = ""
    reviewed_by: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # future fields, ignored if unknown
    # Header overrides by field name, e.g. {"name": "村名"} for a township summary whose
    # lines are villages. Unlisted fields keep the default titles (姓名, 村民小组, …).
    column_titles: dict[str, str] = field(default_factory=dict)
