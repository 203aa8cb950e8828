"""Plain data for a village finance disclosure (村级财务收支公开). No ORM rows, no database.

Amounts are integer fen. Every string is untrusted text and never reaches any markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class FinanceLine:
    """One ledger entry as the accountant booked it."""

    booked_on: date
    voucher_no: str          # 凭证号
    summary: str             # 摘要
    category: str            # one of the 8 categories of 农村集体经济组织财务公开规定
    income_fen: int = 0
    expense_fen: int = 0
    handler: str = ""        # 经手人
    approver: str = ""       # 审批人


@dataclass(frozen=True)
class SupervisionReview:
    """The village supervision committee's (村务监督委员会/民主理财小组) sign-off."""

    opinion: str             # 经审核，收支真实，同意公开
    reviewer: str            # who signed
    reviewed_on: date


@dataclass(frozen=True)
class FinanceDoc:
    title: str                          # 东湖村2026年10月财务收支公开
    issuer: str                         # 东湖村村民委员会
    region_name: str                    # 城关镇 · 东湖村
    intro: str
    period_label: str                   # 2026年10月 / 2026年第三季度
    lines: tuple[FinanceLine, ...]
    opening_fen: int                    # 期初余额 (= the previous period's 期末)
    income_fen: int
    expense_fen: int
    closing_fen: int
    review: SupervisionReview | None    # None only on a draft: printed as 未签核
    period_start: date                  # 公示期
    period_end: date
    supervision_phone: str
    report_phone: str = "12345"
    verify_code: str = ""
    url: str = ""
    issued_on: date | None = None
    draft: bool = False
    correction_of: str = ""
    correction_reason: str = ""
    withdrawn: bool = False
