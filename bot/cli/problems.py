"""Problems and warnings of an import, one line each, as a clerk finds them in the sheet."""

from __future__ import annotations

from typing import Any

SHOWN = 50  # more than this many lines help nobody; the console lists them all


def where(item: dict[str, Any]) -> str:
    """工作表“清册”第12行 “补贴金额（元）”列 值“1,051.21”: what the clerk looks for."""
    parts = []
    if item.get("sheet"):
        parts.append(f"工作表“{item['sheet']}”")
    if item.get("row"):
        parts.append(f"第{item['row']}行")
    if item.get("column"):
        parts.append(f"“{item['column']}”列")
    if item.get("value") not in (None, ""):
        parts.append(f"值“{item['value']}”")
    return " ".join(parts)


def problem_lines(items: Any, heading: str = "") -> list[str]:
    """One "  - 位置：说明" line per problem (at most SHOWN), under an optional heading."""
    if not isinstance(items, list) or not items:
        return []
    lines = [heading] if heading else []
    for item in items[:SHOWN]:
        if isinstance(item, dict):
            place = where(item)
            message = item.get("message", "")
            lines.append(f"  - {place}：{message}" if place else f"  - {message}")
    if len(items) > SHOWN:
        lines.append(f"  … 另有 {len(items) - SHOWN} 处")
    return lines


def details_lines(details: Any) -> list[str]:
    """Lines for an error's details: its problems, then its warnings (提醒)."""
    if isinstance(details, list):
        return problem_lines(details)
    if not isinstance(details, dict):
        return []
    problems = details.get("problems")
    warnings = details.get("warnings")
    lines = problem_lines(problems, "问题：" if warnings else "")
    return lines + problem_lines(warnings, f"提醒（{len(warnings)} 条）：" if warnings else "")
