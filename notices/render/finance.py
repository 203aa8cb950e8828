"""Each channel's rendering of a finance disclosure's content. Pure functions, no database.

The entries name cadres acting for the village (经手人, 审批人), not private persons, so
the board and the web page show the same table; the robot card and the web page's head
show the reconciliation, which is what villagers check first.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from notices.fingerprint import format_code
from notices.money import format_fen
from notices.render.publication import Publication
from notices.render.robot_text import inert
from pdf.amounts import balance_in_words
from pdf.finance_model import FinanceDoc, FinanceLine, SupervisionReview


def _yuan(fen: int) -> str:
    return format_fen(fen) if fen >= 0 else f"-{format_fen(-fen)}"


def finance_doc(content: dict[str, Any], pub: Publication, *, draft: bool) -> FinanceDoc:
    region = content["region"]
    today = pub.published_on or date.today()
    bal = content["balance"]
    review = content.get("supervision")
    return FinanceDoc(
        title=content["title"], issuer=content["issuer"],
        region_name=f"{region['township']} · {region['name']}",
        intro=content["intro"], period_label=content["finance_period"]["label_zh"],
        lines=tuple(
            FinanceLine(booked_on=date.fromisoformat(e["date"]), voucher_no=e["voucher"],
                        summary=e["summary"], category=e["category"],
                        income_fen=e["income_fen"], expense_fen=e["expense_fen"],
                        handler=e["handler"], approver=e["approver"])
            for e in content["entries"]),
        opening_fen=bal["opening_fen"], income_fen=bal["income_fen"],
        expense_fen=bal["expense_fen"], closing_fen=bal["closing_fen"],
        review=SupervisionReview(review["opinion"], review["by"],
                                 date.fromisoformat(review["at"])) if review else None,
        period_start=pub.period_start or today, period_end=pub.period_end or today,
        supervision_phone=pub.supervision_phone,
        verify_code=format_code(pub.verify_code) if pub.verify_code else "",
        url=pub.url, issued_on=pub.published_on, draft=draft,
        correction_of=format_code(pub.correction_of) if pub.correction_of else "",
        correction_reason=pub.correction_reason,
    )


def reconciliation_text(content: dict[str, Any]) -> str:
    bal = content["balance"]
    return (f"期初 {_yuan(bal['opening_fen'])} + 收入 {_yuan(bal['income_fen'])} − "
            f"支出 {_yuan(bal['expense_fen'])} = 期末 {_yuan(bal['closing_fen'])}（元）")


def finance_markdown(content: dict[str, Any], pub: Publication) -> str:
    """The card posted to the village cadres' WeCom group."""
    region, bal = content["region"], content["balance"]
    review = content.get("supervision")
    lines = [
        f"## {inert(content['title'])}",
        f"> 地区：{inert(region['township'])} {inert(region['name'])}",
        f"> 公示期：{_zh(pub.period_start)} 至 {_zh(pub.period_end)}",
        f"> 收支：**{len(content['entries'])}** 笔　收入 **{_yuan(bal['income_fen'])}** 元　"
        f"支出 **{_yuan(bal['expense_fen'])}** 元",
        f"> 结算：{reconciliation_text(content)}",
        f"> 期末余额大写：{balance_in_words(bal['closing_fen'])}",
        f"> 监督委员会：{inert(review['by'])} {inert(review['at'])} "
        f"审核：{inert(review['opinion'])}"
        if review else "> 监督委员会：尚未签核",
        f"> 核验码：<font color=\"warning\">{format_code(pub.verify_code)}</font>",
    ]
    if pub.correction_of:
        lines.insert(1, f"**更正**：本版替代核验码 {format_code(pub.correction_of)} 的版本")
    lines += ["", f"[查看公示网页]({pub.url})", "公开表 PDF 随后发送，请打印张贴并上传张贴照片。"]
    return "\n".join(lines)


def finance_page(content: dict[str, Any]) -> dict[str, Any]:
    """What the mobile page shows of a disclosure, beside the common head."""
    bal = content["balance"]
    return {
        "finance": {
            "period": content["finance_period"]["label_zh"],
            "opening": _yuan(bal["opening_fen"]), "income": _yuan(bal["income_fen"]),
            "expense": _yuan(bal["expense_fen"]), "closing": _yuan(bal["closing_fen"]),
            "closing_words": balance_in_words(bal["closing_fen"]),
            "reconciliation": reconciliation_text(content),
            "supervision": content.get("supervision"),
            "entries": [
                {"date": f"{int(e['date'][5:7])}月{int(e['date'][8:10])}日",
                 "voucher": e["voucher"], "summary": e["summary"], "category": e["category"],
                 "income": _yuan(e["income_fen"]) if e["income_fen"] else "",
                 "expense": _yuan(e["expense_fen"]) if e["expense_fen"] else "",
                 "handler": e["handler"], "approver": e["approver"]}
                for e in content["entries"]],
        },
    }


def total_phrase(content: dict[str, Any]) -> str:
    """The money line a list, a digest or a group text shows: 合计…元, 期末余额…元, or
    nothing for a general notice (通知公告), which has no total."""
    if content.get("kind") == "general":
        return ""
    label, fen = headline(content)
    return f"{label}{format_fen(fen)}元"


def headline(content: dict[str, Any]) -> tuple[str, int]:
    """(label, fen) a list or a reply shows for a notice: 合计 of a payout list, the
    期末余额 of a finance disclosure."""
    if "balance" in content:
        return "期末余额", content["balance"]["closing_fen"]
    return "合计", content["total_fen"]


def _zh(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""
