"""Each channel's rendering of one version's content. Pure functions, no database.

The board gets full names; everything online gets masked names (DESIGN §2). Nothing here
can show an ID, bank or phone number because the content never holds one.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from notices.fingerprint import format_code
from notices.ledgers.payouts.units import format_quantities
from notices.money import format_fen
from notices.privacy.masking import mask_name_online
from notices.render.publication import Publication
from notices.render.robot_text import inert
from pdf.amounts import amount_in_words
from pdf.model import NoticeDoc, PayoutLine


def _quantity_columns(content: dict[str, Any]) -> tuple[str, ...]:
    rows = content["rows"]
    cols = ["name"]
    if any(r["group"] for r in rows):
        cols.append("group")
    if any(r["quantity"] for r in rows):
        cols.append("quantity")
    if any(r["rate_fen"] is not None for r in rows):
        cols.append("rate")
    cols.append("amount")
    if any(r["note"] for r in rows):
        cols.append("note")
    return tuple(cols)


def is_assistance(content: dict[str, Any]) -> bool:
    """A 低保/特困 list (DESIGN §2): name, people covered and amount, nothing else."""
    return content.get("profile") == "assistance"


def quantity_texts(content: dict[str, Any]) -> list[str]:
    """The quantity column as every channel shows it: one precision per column, the unit's
    (3.5 and 2 亩 → 3.50 and 2.00), never fewer decimals than the ledger holds."""
    return format_quantities(content.get("quantity_unit", ""),
                             [str(r["quantity"] or "") for r in content["rows"]])


def paid_on_text(content: dict[str, Any]) -> str:
    """发放时间, which the catalog item of a payout list names: the date the clerk gave on
    import (2026-10-09 or 2026-10), else what boards say when the bank sets the day."""
    if is_assistance(content):
        return ""  # 低保/特困: name, people covered, amount — nothing else (DESIGN §2)
    day = str(content.get("paid_on") or "")
    parts = [int(p) for p in day.split("-") if p.isdigit()]
    if len(parts) == 3:
        return f"{parts[0]}年{parts[1]}月{parts[2]}日"
    if len(parts) == 2:
        return f"{parts[0]}年{parts[1]}月"
    return PAID_BY_BANK


PAID_BY_BANK = "以“一卡通”到账时间为准"


def board_doc(content: dict[str, Any], pub: Publication, *, draft: bool) -> NoticeDoc:
    region = content["region"]
    assistance = is_assistance(content)
    quantities = quantity_texts(content)
    today = pub.published_on or date.today()
    start = pub.period_start or today
    end = pub.period_end or today
    return NoticeDoc(
        title=content["title"],
        issuer=content["issuer"],
        region_name=f"{region['township']} · {region['name']}"
        if region["township"] != region["name"] else region["name"],
        intro=content["intro"],
        # A restricted list prints exactly these columns, whatever else a row might hold.
        columns=("name", "quantity", "amount") if assistance else _quantity_columns(content),
        lines=tuple(
            PayoutLine(
                name=r["name"], group=r["group"], quantity=quantity,
                rate="" if r["rate_fen"] is None else format_fen(r["rate_fen"]),
                amount_fen=r["amount_fen"], note=r["note"],
            )
            for r, quantity in zip(content["rows"], quantities, strict=True)
        ),
        total_fen=content["total_fen"],
        period_start=start,
        period_end=end,
        supervision_phone=pub.supervision_phone,
        verify_code=format_code(pub.verify_code) if pub.verify_code else "",
        url=pub.url,
        issued_on=pub.published_on,
        draft=draft,
        correction_of=format_code(pub.correction_of) if pub.correction_of else "",
        correction_reason=pub.correction_reason,
        quantity_unit=content.get("quantity_unit", ""),
        column_titles=_SUMMARY_TITLES if content["kind"] == "payout_summary"
        else _ASSISTANCE_TITLES if assistance else {},
        paid_on=paid_on_text(content),
        # The printed list is signed by hand by who made the table and who checked it.
        sign_line=True,
    )


# A township summary lists villages, not people: one line each with its household count.
_SUMMARY_TITLES = {"name": "村名", "quantity": "户数", "note": "区划代码"}
_ASSISTANCE_TITLES = {"name": "姓名", "quantity": "保障人数"}


def online_rows(content: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows as the web page and WeChat show them: masked names, amounts, nothing else."""
    quantities = quantity_texts(content)
    if is_assistance(content):
        return [{"name": mask_name_online(r["name"]), "group": None, "people": quantity,
                 "amount": format_fen(r["amount_fen"])}
                for r, quantity in zip(content["rows"], quantities, strict=True)]
    return [
        {"name": mask_name_online(r["name"]) if content["kind"] == "payout_village" else r["name"],
         "group": r["group"], "quantity": quantity, "amount": format_fen(r["amount_fen"])}
        for r, quantity in zip(content["rows"], quantities, strict=True)
    ]


def payout_markdown(content: dict[str, Any], pub: Publication) -> str:
    """The card of a payout list (or a 低保/特困 list) for the village cadres' WeCom group."""
    region = content["region"]
    lines = [
        f"## {inert(content['title'])}",
        f"> 地区：{inert(region['township'])} {inert(region['name'])}",
        f"> 公示期：{_zh_date(pub.period_start)} 至 {_zh_date(pub.period_end)}",
        f"> 户数：**{len(content['rows'])}** 户　合计：**{format_fen(content['total_fen'])}** 元",
        *([f"> 保障人数：**{_people(content)}** 人"] if is_assistance(content) else []),
        f"> 大写：{amount_in_words(content['total_fen'])}",
        f"> 核验码：<font color=\"warning\">{format_code(pub.verify_code)}</font>",
    ]
    if pub.correction_of:
        lines.insert(1, f"**更正**：本版替代核验码 {format_code(pub.correction_of)} 的版本")
    lines += ["", f"[查看公示网页]({pub.url})", "公示表 PDF 随后发送，请打印张贴并上传张贴照片。"]
    return "\n".join(lines)


def _people(content: dict[str, Any]) -> int:
    return sum(int(r["quantity"]) for r in content["rows"] if str(r["quantity"]).isdigit())


def _zh_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""
