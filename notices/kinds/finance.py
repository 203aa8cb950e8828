"""The village finance disclosure (财务公开) as a notice: drafted from a finance period, checked
against the ledger and the balance chain, publishable only after the supervision committee
signed the period off (DESIGN §2 "Village finance").

The content is the one canonical record every channel renders from (board PDF, web page,
robot card). It holds the entries as booked (date, 凭证号, 摘要, category, income, expense,
经手人, 审批人), the balances and the sign-off; never the accountant's free-text 备注, which
is not part of a disclosure and is where a phone number would hide.
"""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from notices.audit import record_event
from notices.clock import CHINA
from notices.fingerprint import fingerprint
from notices.kinds.catalog_models import CatalogItem
from notices.ledgers.finance.services import get_period
from notices.ledgers.models import FinanceEntry, FinancePeriod
from notices.models import Notice, NoticeKind, NoticeState
from notices.money import format_fen
from villages.errors import Conflict, InvalidInput
from villages.models import Level, Region, Role, Staff
from villages.services import check_in_scope, check_role, get_region

SCHEMA = 1
FINANCE_ITEM = "CWGK-01"   # catalog item 村级财务收支
_QUARTERS = {"Q1": "第一季度", "Q2": "第二季度", "Q3": "第三季度", "Q4": "第四季度"}


class FinanceCheckFailed(Conflict):
    code = "check_failed"


def period_zh(label: str) -> str:
    """"2026-10" → 2026年10月, "2026-Q3" → 2026年第三季度."""
    year, _, part = label.partition("-")
    return f"{year}年{_QUARTERS[part]}" if part in _QUARTERS else f"{year}年{int(part)}月"


def committee_name(village: Region) -> str:
    return f"{village.name}{'居民委员会' if village.name.endswith('社区') else '村民委员会'}"


async def finance_content(period: FinancePeriod) -> dict[str, Any]:
    """The disclosure's public content, from the period as it is stored now."""
    village = await Region.get(id=period.village_id)
    township = await Region.get(id=village.parent_id) if village.parent_id else village
    entries = await FinanceEntry.filter(period=period).order_by("booked_on", "row_no")
    previous = await FinancePeriod.filter(village_id=village.id, ends_on__lt=period.starts_on
                                          ).order_by("-ends_on").first()
    signer = await Staff.get(id=period.signed_off_by_id) if period.signed_off_by_id else None
    label = period_zh(period.period)
    return {
        "schema": SCHEMA,
        "kind": NoticeKind.FINANCE_VILLAGE.value,
        "title": f"{village.name}{label}财务收支公开",
        "issuer": committee_name(village),
        "region": {"code": village.code, "name": village.name, "township": township.name},
        "program": "村级财务收支",
        "year": period.starts_on.year,
        "intro": (f"根据《农村集体经济组织财务公开规定》，经村务监督委员会审核，现将本村{label}"
                  "财务收支情况予以公开，接受全体村（居）民监督。如有疑问，请在公示期内向村务"
                  "监督委员会或乡镇监督电话反映，也可扫描二维码在线提出。"),
        "finance_period": {"id": period.id, "label": period.period, "label_zh": label,
                           "start": period.starts_on.isoformat(),
                           "end": period.ends_on.isoformat(), "revision": period.revision},
        "entries": [
            {"date": e.booked_on.isoformat(), "voucher": e.voucher_no, "summary": e.summary,
             "category": e.category, "income_fen": e.income_fen, "expense_fen": e.expense_fen,
             "handler": e.handler, "approver": e.approver}
            for e in entries
        ],
        "balance": {"opening_fen": period.opening_fen, "income_fen": period.income_fen,
                    "expense_fen": period.expense_fen, "closing_fen": period.closing_fen,
                    "previous": previous.period if previous else None},
        "supervision": {
            # The name the committee signs with on paper, not the login.
            "by": signer.display_name or signer.name,
            "at": period.signed_off_at.astimezone(CHINA).date().isoformat(),
            "opinion": period.signoff_opinion,
        } if signer and period.signed_off_at else None,
    }


def is_finance(content: dict[str, Any]) -> bool:
    return content.get("kind") == NoticeKind.FINANCE_VILLAGE.value


async def existing_disclosure(village: Region, label: str) -> Notice | None:
    for notice in await Notice.filter(kind=NoticeKind.FINANCE_VILLAGE, region_id=village.id
                                      ).exclude(state=NoticeState.WITHDRAWN):
        if notice.draft_content["finance_period"]["label"] == label:
            return notice
    return None


async def create_finance_notice(village_code: str, period_text: str, actor: Staff) -> Notice:
    """Draft the disclosure of one village's period. Run again on a notice not yet published
    to redraft it from the ledger as it is now (after a re-import or the sign-off)."""
    check_role(actor, Role.TOWNSHIP_CLERK, Role.VILLAGE_CADRE, Role.COUNTY_ADMIN)
    village = await get_region(village_code)
    if village.level != Level.VILLAGE:
        raise InvalidInput(f"{village.name} 不是村/社区，财务公开按村起草")
    check_in_scope(actor, village)
    period = await get_period(village.code, period_text)
    content = await finance_content(period)
    digest = fingerprint(content)
    item = await CatalogItem.get_or_none(code=FINANCE_ITEM)
    existing = await existing_disclosure(village, period.period)
    async with in_transaction():
        if existing is None:
            notice = await Notice.create(
                kind=NoticeKind.FINANCE_VILLAGE, region_id=village.id, title=content["title"],
                catalog_item=item, draft_content=content, draft_sha256=digest,
                batch_revision=period.revision, author=actor)
            await record_event(actor.name, "create_notices", f"finance:{period.id}",
                               {"notices": [notice.id]})
            return notice
        if existing.state in (NoticeState.PUBLISHED, NoticeState.CLOSED, NoticeState.ARCHIVED):
            raise Conflict(f"{village.name} {period.period} 的财务公开已发布"
                           f"（公示 {existing.id}），如需改动请走更正"
                           f"（cunwu notice correct {existing.id} --reason …）")
        moved = await Notice.filter(id=existing.id, state=existing.state).update(
            state=NoticeState.DRAFT, draft_content=content, draft_sha256=digest,
            batch_revision=period.revision, author_id=actor.id, approved_sha256="",
            reviewer_id=None)
        if not moved:
            raise Conflict(f"公示 {existing.id} 正在被别人处理，请稍后再试")
        await record_event(actor.name, "redraft", f"notice:{existing.id}",
                           {"from_state": existing.state.value, "revision": period.revision})
    return await Notice.get(id=existing.id)


def _yuan(fen: int) -> str:
    return f"{format_fen(fen)} 元" if fen >= 0 else f"-{format_fen(-fen)} 元"


def check_finance_totals(content: dict[str, Any]) -> None:
    """The content agrees with itself: entries sum = totals, 期初 + 收入 − 支出 = 期末."""
    entries, bal = content["entries"], content["balance"]
    income = sum(e["income_fen"] for e in entries)
    expense = sum(e["expense_fen"] for e in entries)
    if (income, expense) != (bal["income_fen"], bal["expense_fen"]):
        raise FinanceCheckFailed(
            f"逐笔相加：收入 {_yuan(income)}、支出 {_yuan(expense)}；公开的合计：收入 "
            f"{_yuan(bal['income_fen'])}、支出 {_yuan(bal['expense_fen'])}，必须一致",
            details={"check": "finance_totals", "entries_income_fen": income,
                     "entries_expense_fen": expense, "income_fen": bal["income_fen"],
                     "expense_fen": bal["expense_fen"]})
    computed = bal["opening_fen"] + bal["income_fen"] - bal["expense_fen"]
    if computed != bal["closing_fen"]:
        raise FinanceCheckFailed(
            f"期初 {_yuan(bal['opening_fen'])} + 收入 {_yuan(bal['income_fen'])} − 支出 "
            f"{_yuan(bal['expense_fen'])} = {_yuan(computed)}，公开的期末余额是 "
            f"{_yuan(bal['closing_fen'])}",
            details={"check": "balance", "computed_closing_fen": computed,
                     "closing_fen": bal["closing_fen"]})


async def check_finance_consistent(notice: Notice) -> None:
    """The disclosure still matches its period and the balance chain, and the supervision
    committee signed the period off. Blocks approval and publication."""
    content = notice.draft_content
    if not is_finance(content):
        return
    check_finance_totals(content)
    ref = content["finance_period"]
    period = await FinancePeriod.get_or_none(id=ref["id"])
    if period is None:
        raise FinanceCheckFailed(f"{ref['label']} 的财务数据已不存在，不能公开",
                                 details={"check": "stale"})
    previous = await FinancePeriod.filter(village_id=period.village_id,
                                          ends_on__lt=period.starts_on).order_by("-ends_on").first()
    opening = content["balance"]["opening_fen"]
    if previous is not None and previous.closing_fen != opening:
        raise FinanceCheckFailed(
            f"本期期初余额 {_yuan(opening)}，上期（{previous.period}）期末余额 "
            f"{_yuan(previous.closing_fen)}，必须相等",
            details={"check": "balance_chain", "opening_fen": opening,
                     "previous_period": previous.period,
                     "previous_closing_fen": previous.closing_fen})
    if period.revision != ref["revision"]:
        raise FinanceCheckFailed(
            f"{ref['label']} 的财务数据在起草后重新导入过（起草时第{ref['revision']}版，现为第"
            f"{period.revision}版），请用 cunwu notice create --finance 重新起草",
            details={"check": "stale", "drafted": ref["revision"], "now": period.revision})
    if period.signed_off_at is None:
        raise FinanceCheckFailed(
            f"村务监督委员会尚未签核 {content['region']['name']} {ref['label']} 的财务，不能公开；"
            "请监督委员会先审核签字（cunwu finance signoff）",
            details={"check": "supervision", "signed_off": False})
    if content.get("supervision") is None:
        raise FinanceCheckFailed(
            "监督委员会已签核，但这份草稿起草于签核之前，公示上没有审核意见；"
            "请用 cunwu notice create --finance 重新起草",
            details={"check": "stale", "signed_off": True})
    if fingerprint(await finance_content(period)) != notice.draft_sha256:
        raise FinanceCheckFailed("公示内容与财务台账的当前数据不一致，请重新起草",
                                 details={"check": "stale"})


async def finance_stale(content: dict[str, Any], base_fingerprint: str) -> bool:
    """Whether a published disclosure no longer matches its period (consistency matrix)."""
    period = await FinancePeriod.get_or_none(id=content["finance_period"]["id"])
    return period is None or fingerprint(await finance_content(period)) != base_fingerprint
