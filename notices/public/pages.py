"""What anyone may see: a notice by its verify code, a village's live notices."""

from __future__ import annotations

from datetime import date
from typing import Any

from notices.fingerprint import format_code
from notices.kinds.finance import is_finance
from notices.models import NoticeVersion, VersionStatus
from notices.money import format_fen
from notices.privacy.retention import is_personal_list, taken_down, where_to_ask
from notices.public.verdict import Verification
from notices.public.verification import check_version
from notices.render.finance import finance_page, headline, total_phrase
from notices.render.payout import online_rows
from pdf.amounts import amount_in_words
from villages.errors import NotFound
from villages.models import Level, Region


async def notice_page(version: NoticeVersion, today: date,
                      grace_days: int = 0) -> dict[str, Any]:
    """Everything the mobile page of one version shows (masked names only). A personal list
    past its 公示期 + ``grace_days`` shows no rows (notices.privacy.retention)."""
    check = await check_version(version)
    content = version.content
    if is_finance(content):  # no personal list: nothing is taken down after the 公示期
        return {**_page_head(version, check, today), **finance_page(content),
                "kind": content["kind"], "taken_down": False}
    # A withdrawn personal list leaves the web at once: the link in the withdrawal notices
    # must not spread it further (masked names are still names of real households).
    withdrawn = version.status == VersionStatus.WITHDRAWN and is_personal_list(content)
    removed = withdrawn or taken_down(content, version.period_end, today, grace_days)
    return {
        "kind": content["kind"],
        "body": content.get("body", []),
        "taken_down": removed,
        "withdrawn_list": withdrawn,
        "where_to_ask": where_to_ask(content),
        "check": check,
        "title": content["title"],
        "issuer": content["issuer"],
        "intro": content["intro"],
        "region": content["region"],
        "rows": [] if removed else online_rows(content),
        "quantity_unit": content.get("quantity_unit", ""),
        "total": format_fen(content["total_fen"]),
        "total_words": amount_in_words(content["total_fen"]),
        "households": len(content["rows"]),
        "supervision_phone": content.get("supervision_phone", ""),
        "in_period": version.period_start <= today <= version.period_end,
        "ended": today > version.period_end,
        "pdf_url": f"/n/{version.verify_code}.pdf",
        "verify_code": format_code(version.verify_code),
        "village_url": f"/v/{content['region']['code']}",
        "correction_reason": content.get("correction", {}).get("reason", ""),
    }


def _page_head(version: NoticeVersion, check: Verification, today: date) -> dict[str, Any]:
    """What every kind's page shows above its body. A finance disclosure holds no personal
    list, so it stays up after its 公示期 (``ended`` is for personal lists only)."""
    content = version.content
    return {
        "check": check, "title": content["title"], "issuer": content["issuer"],
        "intro": content["intro"], "region": content["region"],
        "supervision_phone": content.get("supervision_phone", ""),
        "in_period": version.period_start <= today <= version.period_end,
        "ended": False, "pdf_url": f"/n/{version.verify_code}.pdf",
        "verify_code": format_code(version.verify_code),
        "village_url": f"/v/{content['region']['code']}",
        "correction_reason": content.get("correction", {}).get("reason", ""),
    }


async def region_or_404(code: str) -> Region:
    region = await Region.get_or_none(code=code[:12])
    if region is None or region.level not in (Level.VILLAGE, Level.TOWNSHIP):
        raise NotFound(f"没有区划代码为 {code[:12]} 的村或乡镇")
    return region


def _list_item(version: NoticeVersion) -> dict[str, Any]:
    content = version.content
    label, fen = headline(content)
    return {"title": content["title"], "code": format_code(version.verify_code),
            "url": f"/n/{version.verify_code}", "period_end": version.period_end.isoformat(),
            "total": format_fen(fen), "total_label": label, "kind": content["kind"],
            "total_text": total_phrase(content), "corrected": "correction" in content}


async def village_page(code: str) -> dict[str, Any]:
    region = await region_or_404(code)
    # Listed by their current version: a notice whose correction is under review stays up.
    currents = await NoticeVersion.filter(
        notice__region_id=region.id, status=VersionStatus.CURRENT).order_by("-id")
    items = [_list_item(v) for v in currents]
    parent = await Region.get_or_none(id=region.parent_id) if region.parent_id else None
    return {"region": region, "parent": parent, "items": items}


async def county_index() -> list[dict[str, Any]]:
    townships = await Region.filter(level=Level.TOWNSHIP).order_by("code")
    villages = await Region.filter(level=Level.VILLAGE).order_by("code")
    return [{"township": t, "villages": [v for v in villages if v.parent_id == t.id]}
            for t in townships]
