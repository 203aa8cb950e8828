"""The demo county 青禾县 (a made-up code, 419901): three townships, thirteen villages,
one 耕地地力保护补贴 batch per township published through the real pipeline, and a month of
village finance for three villages of 城关镇, signed off by their supervision committees.

Every step is the same service call a clerk's command makes; the payout sheets are written
as CSV files under $CUNWU_HOME/demo/ and imported like any other sheet. Idempotent: a
second run finds the batches and leaves everything as it is.
"""

from __future__ import annotations

import csv
import io
import random
from decimal import Decimal
from importlib import resources
from typing import Any

from bot.demo.finance import load_demo_finance, publish_demo_finance
from bot.demo.general import load_demo_general
from bot.runtime import Runtime, ensure_seed_data
from notices.ledgers.models import PayoutBatch
from notices.ledgers.payouts.services import import_payouts
from notices.lifecycle import workflow as lifecycle
from notices.money import round_half_up_fen
from notices.privacy.numbers import id_check_char
from villages import services as villages
from villages.models import Level, Region, Role

PROGRAM = "耕地地力保护补贴"
YEAR = 2026
RATE_FEN = 9250   # 92.50 元/亩
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = [
    "建国", "秀英", "桂兰", "志强", "玉梅", "德福", "春生", "淑珍", "国华", "海燕",
    "立新", "凤英", "长青", "金花", "永红", "小军", "丽娟", "明亮", "红梅", "文斌",
    "庆丰", "爱民", "翠萍", "振华", "桂芳", "宝山", "秋菊", "守仁", "家兴", "喜旺",
]
GROUPS = ["一组", "二组", "三组", "四组", "五组"]
TOWNSHIP_PHONES = {"城关镇": "0376-7712345", "柳河镇": "0376-7723456", "石桥乡": "0376-7734567"}


def demo_regions_csv() -> str:
    return resources.files("bot.demo.data").joinpath("demo_regions.csv").read_text("utf-8")


def _person_id(rng: random.Random, county: str) -> str:
    first17 = (f"{county}{rng.randint(1940, 1995)}{rng.randint(1, 12):02d}"
               f"{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}")
    return first17 + id_check_char(first17)


def payout_sheet(township: Region, village_list: list[Region], seed: int) -> bytes:
    """A 一卡通-style export: title row, header, one row per household, 合计 row."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"{township.name}{YEAR}年{PROGRAM}发放清册"])
    writer.writerow(["村", "村民小组", "户主姓名", "身份证号码", "面积（亩）",
                     "补贴标准（元/亩）", "补贴金额（元）", "备注"])
    total = 0
    for village in village_list:
        for _ in range(rng.randint(18, 40)):
            area = Decimal(rng.randint(80, 1500)) / 100
            amount = round_half_up_fen(area, RATE_FEN)
            total += amount
            writer.writerow([village.name, rng.choice(GROUPS),
                             rng.choice(SURNAMES) + rng.choice(GIVEN),
                             _person_id(rng, township.code[:6]), f"{area:.2f}",
                             f"{RATE_FEN / 100:.2f}", f"{Decimal(amount) / 100:.2f}", ""])
    writer.writerow(["合计", "", "", "", "", "", f"{Decimal(total) / 100:.2f}", ""])
    return out.getvalue().encode("utf-8-sig")


# The demo's clerks and reviewers sign in to /console with this (a demo, never production).
DEMO_PASSWORD = "cunwu-demo-2026"


async def load_demo(runtime: Runtime) -> dict[str, Any]:
    await villages.import_regions(villages.read_region_csv(demo_regions_csv()))
    await ensure_seed_data()
    townships = await Region.filter(level=Level.TOWNSHIP).order_by("code")
    published = finance_loaded = 0
    demo_dir = runtime.config.home / "demo"
    demo_dir.mkdir(parents=True, exist_ok=True)
    for index, township in enumerate(townships):
        township.supervision_phone = TOWNSHIP_PHONES.get(township.name, "")
        await township.save(update_fields=["supervision_phone"])
        slug = township.code[6:9]
        clerk = await villages.add_staff(f"clerk{slug}", Role.TOWNSHIP_CLERK, township.code,
                                         display_name=f"{township.name}经办人",
                                         password=DEMO_PASSWORD)
        reviewer = await villages.add_staff(f"reviewer{slug}", Role.TOWNSHIP_REVIEWER,
                                            township.code, display_name=f"{township.name}分管领导",
                                            password=DEMO_PASSWORD)
        village_list = await Region.filter(parent=township).order_by("code")
        for village in village_list:
            await villages.add_robot(village.code, f"{village.name}村务工作群",
                                     f"demo-robot-{village.code}")
        if index == 0:
            finance_loaded += await load_demo_finance(township, clerk, demo_dir)
            published += await publish_demo_finance(township, clerk, reviewer,
                                                    runtime.publish_context())
            await add_demo_groups(village_list[0])
            published += await load_demo_general(runtime, village_list[0], clerk, reviewer,
                                                  demo_dir / "general-notice")
        if await PayoutBatch.exists(township=township, program=PROGRAM, year=YEAR):
            continue
        sheet = payout_sheet(township, village_list, seed=index)
        name = f"{township.name}-{YEAR}-{PROGRAM}.csv"
        (demo_dir / name).write_bytes(sheet)
        summary = await import_payouts(sheet, name, township_code=township.code,
                                       program=PROGRAM, year=YEAR, actor=clerk,
                                       cipher=runtime.cipher, accept_warnings=True)
        assert summary.batch_id is not None
        notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
        for notice in notices:
            await lifecycle.submit(notice, clerk)
            await lifecycle.approve(notice, reviewer)
            await lifecycle.publish(notice, reviewer, runtime.publish_context())
            published += 1
    return {
        "townships": len(townships),
        "villages": await Region.filter(level=Level.VILLAGE).count(),
        "published": published,
        "finance_periods": finance_loaded,
        "console": {"login": "/console/login", "user": "clerk100", "password": DEMO_PASSWORD},
    }


async def add_demo_groups(village: Region) -> None:
    """One village also has its cadre's WeCom customer groups and an ordinary WeChat group,
    so the demo shows a group task waiting for its tap and a forward pack."""
    from villages.group_targets import add_customer_group, add_wechat_group

    await add_customer_group(village.code, f"{village.name}村民客户群（村文书）",
                             f"cadre{village.code}")
    await add_wechat_group(village.code, f"{village.name}村民群")
