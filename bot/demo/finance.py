"""A month of village finance for a few demo villages: the accountant's ledger as a CSV,
imported through the real importer and signed off by each village's supervision committee."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from notices.kinds.finance import create_finance_notice, existing_disclosure
from notices.ledgers.finance.services import import_finance, sign_off
from notices.ledgers.models import FinancePeriod
from notices.lifecycle import workflow as lifecycle
from notices.lifecycle.workflow import PublishContext
from notices.models import NoticeState
from notices.money import format_fen
from villages import services as villages
from villages.models import Region, Role, Staff

PERIOD = "2026-10"
INCOME = [("各项收入", "村集体土地租金"), ("各项收入", "上级转移支付（村级运转经费）"),
          ("各项收入", "鱼塘承包费"), ("各项收入", "光伏发电收益")]
EXPENSE = [("各项支出", "村干部误工补贴"), ("各项支出", "村部电费"), ("各项支出", "道路维修材料费"),
           ("各项支出", "环境卫生保洁费"), ("各项支出", "办公用品"), ("各项资产", "购置垃圾清运车"),
           ("收益分配", "困难户慰问金")]


def finance_sheet(village: Region, seed: int) -> bytes:
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"{village.name}{PERIOD[:4]}年{int(PERIOD[5:])}月村级财务收支明细"])
    writer.writerow(["日期", "凭证号", "摘要", "类别", "收入（元）", "支出（元）",
                     "经手人", "审批人", "备注"])
    opening = rng.randint(2_000_000, 9_000_000)  # fen
    writer.writerow(["", "", "上月结余", "", format_fen(opening), "", "", "", ""])
    income = expense = 0
    for number in range(1, rng.randint(12, 18)):
        day = min(28, number * 2)
        if rng.random() < 0.35:
            category, summary = rng.choice(INCOME)
            amount = rng.randint(50_000, 1_500_000)
            income += amount
            cells = [format_fen(amount), ""]
        else:
            category, summary = rng.choice(EXPENSE)
            amount = rng.randint(8_000, 600_000)
            expense += amount
            cells = ["", format_fen(amount)]
        writer.writerow([f"{PERIOD}-{day:02d}", f"记-{number:03d}", summary, category, *cells,
                         "张会计", "村支书李卫东", ""])
    closing = opening + income - expense
    writer.writerow(["", "", "本月合计", "", format_fen(income), format_fen(expense), "", "", ""])
    writer.writerow(["", "", "期末余额", "", format_fen(closing), "", "", "", ""])
    return out.getvalue().encode("utf-8-sig")


async def load_demo_finance(township: Region, clerk: Staff, demo_dir: Path, count: int = 3) -> int:
    """Import and sign off one month for the first ``count`` villages; return how many new."""
    loaded = 0
    for seed, village in enumerate(await Region.filter(parent=township).order_by("code")
                                   .limit(count)):
        supervisor = await villages.add_staff(
            f"supervisor{village.code[-3:]}", Role.VILLAGE_SUPERVISOR, village.code,
            display_name=f"{village.name}村务监督委员会主任")
        if await FinancePeriod.exists(village=village, period=PERIOD):
            continue
        data = finance_sheet(village, seed)
        name = f"{village.name}-{PERIOD}-财务.csv"
        (demo_dir / name).write_bytes(data)
        await import_finance(data, name, village_code=village.code, period_text=PERIOD,
                             actor=clerk)
        await sign_off(village.code, PERIOD, supervisor, "经审核，收支真实，手续完备，同意公开")
        loaded += 1
    return loaded


async def publish_demo_finance(township: Region, clerk: Staff, reviewer: Staff,
                               ctx: PublishContext) -> int:
    """Draft, review and publish the signed-off demo month as each village's 财务公开."""
    published = 0
    for period in await FinancePeriod.filter(village__parent=township, period=PERIOD,
                                             signed_off_at__not_isnull=True):
        village = await Region.get(id=period.village_id)
        existing = await existing_disclosure(village, PERIOD)
        if existing is not None and existing.state == NoticeState.PUBLISHED:
            continue  # `cunwu init --demo` run again
        notice = await create_finance_notice(village.code, PERIOD, clerk)
        await lifecycle.submit(notice, clerk)
        await lifecycle.approve(notice, reviewer)
        await lifecycle.publish(notice, reviewer, ctx)
        published += 1
    return published
