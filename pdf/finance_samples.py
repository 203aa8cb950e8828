"""A realistic village finance month for tests, the demo and looking at the layout."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from pdf.finance_model import FinanceDoc, FinanceLine, SupervisionReview

_ITEMS = (
    ("各项收入", "收到土地流转租金（东片）", 1_200_000, 0),
    ("各项收入", "收到上级村级运转经费", 3_500_000, 0),
    ("各项收入", "收到光伏发电收益分成", 486_350, 0),
    ("各项支出", "支付村干部误工补贴", 0, 960_000),
    ("各项支出", "购买办公用品（打印纸、墨盒）", 0, 68_500),
    ("各项支出", "支付村内道路维修材料款", 0, 2_315_000),
    ("各项支出", "支付保洁员工资", 0, 180_000),
    ("各项资产", "购置村委会会议室空调两台", 0, 756_000),
    ("债权债务", "归还2025年修桥工程欠款（第二期）", 0, 1_000_000),
    ("收益分配", "发放集体经济分红（三组）", 0, 1_234_567),
    ("其他", "收到退回的多付电费", 12_345, 0),
)
_PEOPLE = ("李建国", "王秀英", "张明", "刘桂兰", "陈志强")


def sample_finance_lines(count: int = 24, seed: int = 0,
                         month: tuple[int, int] = (2026, 10)) -> tuple[FinanceLine, ...]:
    rng = random.Random(seed)
    out = []
    for n in range(count):
        category, summary, income, expense = rng.choice(_ITEMS)
        out.append(FinanceLine(
            booked_on=date(*month, 1 + n * 27 // max(count, 1)), voucher_no=f"记-{n + 1:03d}",
            summary=summary, category=category, income_fen=income, expense_fen=expense,
            handler=rng.choice(_PEOPLE), approver="赵德福"))
    return tuple(out)


def sample_finance(count: int = 24, seed: int = 0, **changes: object) -> FinanceDoc:
    lines = changes.pop("lines") if "lines" in changes else sample_finance_lines(count, seed)
    opening = int(changes.pop("opening_fen", 8_765_432))  # type: ignore[call-overload]
    income = sum(line.income_fen for line in lines)  # type: ignore[attr-defined]
    expense = sum(line.expense_fen for line in lines)  # type: ignore[attr-defined]
    doc = FinanceDoc(
        title="东湖村2026年10月财务收支公开", issuer="东湖村村民委员会",
        region_name="城关镇 · 东湖村",
        intro=("根据《农村集体经济组织财务公开规定》，经村务监督委员会审核，现将本村2026年10月"
               "财务收支情况予以公开，接受全体村民监督。"),
        period_label="2026年10月", lines=lines, opening_fen=opening,  # type: ignore[arg-type]
        income_fen=income, expense_fen=expense, closing_fen=opening + income - expense,
        review=SupervisionReview("经审核，本月收支凭证齐全、手续完备、账实相符，同意公开。",
                                 "孙立平", date(2026, 11, 3)),
        period_start=date(2026, 11, 5), period_end=date(2026, 11, 11),
        supervision_phone="0371-62345678", verify_code="7F3K-92QD",
        url="https://cunwu.example.cn/n/7F3K92QD", issued_on=date(2026, 11, 5))
    return replace(doc, **changes)  # type: ignore[arg-type]
