"""Realistic sample notices for the timing check, tests and demo renders (not for production)."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

from pdf.model import NoticeDoc, PayoutLine

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂建华玉国志德福贵春花秋菊淑珍金凤"
_GROUPS = ("一组", "二组", "三组", "四组", "五组", "六组")
RATE_FEN = 9250  # 92.50 元/亩


def sample_lines(count: int, seed: int = 0) -> tuple[PayoutLine, ...]:
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
        name = rng.choice(_SURNAMES) + given
        hundredths = rng.randint(50, 3000)  # 0.50 … 30.00 亩
        amount = (hundredths * RATE_FEN + 50) // 100  # 四舍五入 to the fen
        note = rng.choice(("", "", "", "", "新增", f"代领：其子{name[0]}强"))
        lines.append(PayoutLine(
            name=name, group=rng.choice(_GROUPS),
            id_display=f"410521********{rng.randint(1000, 9999)}",
            quantity=f"{hundredths // 100}.{hundredths % 100:02d}", rate="92.50", amount_fen=amount,
            note=note,
        ))
    return tuple(lines)


def sample_notice(count: int = 40, seed: int = 0, **changes: object) -> NoticeDoc:
    """A village payout notice with `count` rows; keyword arguments replace fields."""
    lines = sample_lines(count, seed)
    doc = NoticeDoc(
        title="关于2026年耕地地力保护补贴发放情况的公示",
        issuer="城关镇人民政府",
        region_name="城关镇 · 东湖村",
        intro=("根据《2026年耕地地力保护补贴实施方案》，现将东湖村2026年耕地地力保护补贴发放情况予以公示。"
               "补贴对象为拥有耕地承包权的种地农民，补贴标准为每亩92.50元，补贴资金通过“一卡通”直接发放到户。"),
        columns=("name", "group", "id_display", "quantity", "rate", "amount", "note"),
        lines=lines,
        total_fen=sum(line.amount_fen for line in lines),
        period_start=date(2026, 11, 23),
        period_end=date(2026, 11, 29),
        supervision_phone="0371-62345678",
        report_phone="12345",
        verify_code="7F3K-92QD",
        url="https://cunwu.example.cn/n/7F3K92QD",
        issued_on=date(2026, 11, 23),
        quantity_unit="亩",
    )
    if "lines" in changes and "total_fen" not in changes:
        changes["total_fen"] = sum(line.amount_fen for line in changes["lines"])  # type: ignore[attr-defined]
    return replace(doc, **changes)  # type: ignore[arg-type]
