"""The short text that tells villagers' groups a notice was withdrawn (撤回).

Pure: content in, text out, within a byte limit. It names the title, says 已撤回, gives the
reason, the verify code and the link (whose page says 已撤回) - and nothing of the list: a
withdrawn personal list must not be spread any further.
"""

from __future__ import annotations

from typing import Any

from notices.fingerprint import format_code


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def withdrawal_text(content: dict[str, Any], code: str, reason: str, url: str,
                    limit: int) -> str:
    """【撤回】title, region, code, reason, link; the reason is shortened to fit ``limit``."""
    region = content["region"]
    title = content["title"]
    head = [f"【撤回】{title}", f"地区：{region['township']} {region['name']}",
            f"核验码 {format_code(code)} 的这份公示已撤回，请以本通知为准。"]
    foot = [f"撤回说明：{url}",
            "此前转发的这份公示已作废，请不要再转发或保存传播；如有疑问请向村委会或乡镇询问。"]

    def assemble(why: str) -> str:
        return "\n".join([*head, f"撤回原因：{why}", *foot])

    text = assemble(reason)
    while _size(text) > limit and reason:
        reason = reason[: max(0, len(reason) - 20)]
        text = assemble(reason + "……")
    if _size(text) > limit:  # a title so long that nothing else fits
        head[0] = f"【撤回】{title[: limit // 12]}"
        text = assemble("见链接")
    return text
