"""General notices (通知公告): how long the board PDF and a phone photo take.

    .venv/bin/python bench/general_notice.py

Prints, for a body of 10 / 50 / 200 paragraphs with a chart every 10 paragraphs, the board
PDF render time (best of 3, fonts loaded as in the service) and its pages and size; and the
time to check and normalise a 12-megapixel phone photo (Pillow decode, upright, shrink to
1600 px, JPEG re-encode without EXIF), which a clerk's `notice create --file` pays per picture.
"""

from __future__ import annotations

import io
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image

from bot.demo.general import chart_png
from notices.kinds.general import normalize_picture
from pdf import load_fonts
from pdf.general import GeneralDoc, Heading, Paragraph, PictureBlock, render_general

PARA = "根据《关于做好2026年城乡居民基本医疗保险工作的通知》，现将有关政策解读如下。" * 3


def doc(paragraphs: int, chart: bytes) -> GeneralDoc:
    body: list = []
    for n in range(paragraphs):
        if n % 10 == 0:
            body += [Heading(f"第{n // 10 + 1}部分"), PictureBlock(chart, f"图{n // 10 + 1}")]
        body.append(Paragraph(PARA))
    return GeneralDoc(title="关于2026年城乡居民医保缴费政策的解读", issuer="城关镇人民政府",
                      region_name="城关镇 · 东湖村", body=tuple(body),
                      period_start=date(2026, 11, 20), period_end=date(2026, 11, 26),
                      supervision_phone="0376-7712345", verify_code="7F3K-92QD",
                      url="http://cunwu.test/n/7F3K92QD", issued_on=date(2026, 11, 20))


def best(fn, runs: int = 3) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> None:
    fonts = load_fonts()
    chart = normalize_picture(chart_png(), "chart.png").data
    print("paragraphs  pictures  pages  size_kb  render_s")
    for paragraphs in (10, 50, 200):
        d = doc(paragraphs, chart)
        seconds, pdf = best(lambda d=d: render_general(d, fonts=fonts))
        pages = pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page ")
        pictures = sum(isinstance(b, PictureBlock) for b in d.body)
        print(f"{paragraphs:>10}  {pictures:>8}  {pages:>5}  {len(pdf) // 1024:>7}  "
              f"{seconds:>8.3f}")
    photo = io.BytesIO()
    # A photo-like picture: smooth shading with some grain, ~3 MB as a phone saves it.
    grain = Image.effect_noise((4000, 3000), 24)
    shade = Image.radial_gradient("L").resize((4000, 3000))
    Image.merge("RGB", (shade, Image.blend(shade, grain, 0.3), grain)).save(
        photo, "JPEG", quality=90)
    seconds, picture = best(lambda: normalize_picture(photo.getvalue(), "photo.jpg"))
    print(f"phone photo 4000x3000 ({len(photo.getvalue()) // 1024} KB) -> "
          f"{picture.width}x{picture.height} ({len(picture.data) // 1024} KB): {seconds:.3f} s")


if __name__ == "__main__":
    main()
