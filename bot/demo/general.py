"""The demo's general notice (通知公告): a policy interpretation with a chart, written as a
clerk would (notice.yaml + chart.png in a folder) and published through the real path."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.runtime import Runtime
from notices.kinds import general
from notices.lifecycle import workflow as lifecycle
from notices.models import Notice, NoticeKind
from pdf.fonts import DEFAULT_FONT_PATH
from villages.models import Region, Staff

TITLE = "关于2026年城乡居民基本医疗保险个人缴费标准的政策解读"
CONTRIBUTIONS = [("2023年", 380), ("2024年", 400), ("2025年", 400), ("2026年", 420)]

NOTICE_YAML = f"""\
title: {TITLE}
region: "{{region}}"
catalog_item: SHJZ-01
body: |
  ## 一、缴费标准
  根据省医保局、财政厅、税务局联合印发的通知，2026年度城乡居民基本医疗保险个人缴费标准为每人每年420元，
  比上年提高20元。低保对象、特困人员等困难群众的个人缴费由医疗救助资金按规定资助。

  ![图1 近四年个人缴费标准（元/人·年）](chart.png)

  ## 二、缴费时间
  集中缴费期为2026年9月1日至12月31日，在此期间缴费的，2027年1月1日起享受待遇。

  ## 三、缴费方式
  1. 到村委会由村文书协助办理；
  2. 在手机上通过税务缴费小程序缴纳；
  3. 到乡镇便民服务中心窗口办理。

  ## 四、温馨提示
  - 请勿向任何个人转账缴费，谨防诈骗；
  - 对本解读有疑问的，可在公示期内扫码留言或拨打页脚的监督电话。
"""


def chart_png() -> bytes:
    """A bar chart of the contributions, drawn with the bundled CJK font."""
    width, height = 1200, 640
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(DEFAULT_FONT_PATH), 34)
    small = ImageFont.truetype(str(DEFAULT_FONT_PATH), 30)
    base, top = height - 90, 70
    draw.line([(80, base), (width - 60, base)], fill="black", width=4)
    step = (width - 160) // len(CONTRIBUTIONS)
    most = max(amount for _, amount in CONTRIBUTIONS)
    for n, (year, amount) in enumerate(CONTRIBUTIONS):
        bar = (base - top) * amount / most * 0.85
        x = 110 + n * step
        draw.rectangle([x, base - bar, x + step - 80, base], fill=(70, 70, 70))
        draw.text((x + (step - 80) / 2, base - bar - 10), f"{amount}元", font=font,
                  fill="black", anchor="mb")
        draw.text((x + (step - 80) / 2, base + 14), year, font=small, fill="black",
                  anchor="mt")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


async def load_demo_general(runtime: Runtime, village: Region, clerk: Staff, reviewer: Staff,
                            folder: Path) -> int:
    """Publish the demo notice for one village once; returns how many were published."""
    if await Notice.exists(kind=NoticeKind.GENERAL, region=village, title=TITLE):
        return 0
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "chart.png").write_bytes(chart_png())
    path = folder / "notice.yaml"
    path.write_text(NOTICE_YAML.format(region=village.code), encoding="utf-8")
    notice = await general.create_general_notice(general.load_notice_yaml(path), clerk,
                                                 runtime.store)
    await lifecycle.submit(notice, clerk)
    await lifecycle.approve(notice, reviewer)
    await lifecycle.publish(notice, reviewer, runtime.publish_context())
    return 1
