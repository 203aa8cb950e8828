"""Batch print files: a small county built through the real services, published, rendered."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from bot.render_batch import notice_pdf, render_batch, safe_name
from bot.runtime import Runtime
from notices.audit import record_event
from notices.fingerprint import format_code
from notices.ledgers.payouts.services import import_payouts
from notices.lifecycle import corrections
from notices.lifecycle import workflow as lifecycle
from notices.models import Notice, NoticeState, NoticeVersion, VersionStatus
from pdf import board_style
from pdf.layout import MM
from tests.builders import (
    COUNTY,
    OTHER_TOWNSHIP,
    TOWNSHIP,
    create_county,
    create_staff,
    make_id,
    payout_csv,
)
from tests.notices.kinds.test_finance import _signed_draft, _to_review
from tests.notices.lifecycle.test_corrections import _published
from tests.pdf.readback import page_texts
from villages.errors import NotFound
from villages.models import Role

pytestmark = pytest.mark.storage

PROGRAM = "耕地地力保护补贴"
CHENGGUAN = [("东湖村", "一组", "张建国", "10.00", "925.00"),
             ("东湖村", "二组", "李秀英", "3.50", "323.75"),
             ("西岗村", "一组", "王志强", "7.25", "670.63")]
LIUHE = [("柳河村", "三组", "赵德福", "2.00", "185.00")]


def _liuhe_csv() -> bytes:
    # Other people than 城关镇's: the import refuses an ID paid twice in one county.
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["村", "村民小组", "户主姓名", "身份证号码", "面积（亩）", "补贴金额（元）"])
    for index, (village, group, name, area, amount) in enumerate(LIUHE):
        writer.writerow([village, group, name, make_id("19800101", index), area, amount])
    return out.getvalue().encode("utf-8-sig")


async def _county(runtime: Runtime) -> dict[int, NoticeVersion]:
    """城关镇 published (2 villages + summary); 柳河镇 drafted only (1 village + summary)."""
    await create_county()
    clerk = await create_staff("clerk", Role.COUNTY_ADMIN, COUNTY)
    reviewer = await create_staff("reviewer", Role.COUNTY_ADMIN, COUNTY)
    published: dict[int, NoticeVersion] = {}
    for code, sheet, publish in ((TOWNSHIP, payout_csv(CHENGGUAN, total="1919.38"), True),
                                 (OTHER_TOWNSHIP, _liuhe_csv(), False)):
        summary = await import_payouts(sheet, "sheet.csv",
                                       township_code=code, program=PROGRAM, year=2026,
                                       actor=clerk, cipher=runtime.cipher)
        for notice in await lifecycle.create_payout_notices(summary.batch_id, clerk):
            if publish:
                await lifecycle.submit(notice, clerk)
                await lifecycle.approve(notice, reviewer)
                version = await lifecycle.publish(notice, reviewer, runtime.publish_context())
                published[notice.id] = version
    return published


def _pages(path: Path) -> int:
    doc = pdfium.PdfDocument(path)
    try:
        return len(doc)
    finally:
        doc.close()


async def test_every_village_gets_its_published_file_and_each_township_one_print_file(
    runtime: Runtime, tmp_path: Path
) -> None:
    published = await _county(runtime)
    out = tmp_path / "print"
    ticks: list[tuple[int, int]] = []
    summary = await render_batch(out, runtime.store, runtime.config.public_url, program=PROGRAM,
                                 year=2026, county="", workers=2,
                                 progress=lambda done, total: ticks.append((done, total)))
    assert summary.failed == []
    codes = {n: format_code(v.verify_code) for n, v in published.items()}
    names = {f["file"] for f in summary.files}
    regions = {n.id: n.region.name for n in await Notice.all().prefetch_related("region")}
    expected = {f"城关镇-{'汇总' if regions[n] == '城关镇' else regions[n]}-{codes[n]}.pdf"
                for n in published}
    expected |= {"柳河镇-汇总-草稿.pdf", "柳河镇-柳河村-草稿.pdf"}
    assert names == expected
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*expected, "城关镇-合并打印.pdf", "柳河镇-合并打印.pdf"])
    # Published notices: byte for byte the file that was published.
    for f in summary.files:
        if f["how"] == "copied":
            stored = runtime.store.read(published[f["notice"]].pdf_file)
            assert (out / f["file"]).read_bytes() == stored
    assert sum(f["how"] == "copied" for f in summary.files) == 3
    # Drafts: rendered now, with the watermark on every page.
    for name in ("柳河镇-汇总-草稿.pdf", "柳河镇-柳河村-草稿.pdf"):
        assert all("草稿 未经审核" in t for t in page_texts((out / name).read_bytes()))
    # One merged print file per township: its pages are its files' pages, summary first.
    for town in ("城关镇", "柳河镇"):
        merged = out / f"{town}-合并打印.pdf"
        parts = [f for f in summary.files if f["file"].startswith(f"{town}-")]
        assert _pages(merged) == sum(f["pages"] for f in parts) == sum(
            _pages(out / f["file"]) for f in parts)
        assert [m["pages"] for m in summary.merged if m["file"] == merged.name] == [
            _pages(merged)]
        assert "汇总" in parts[0]["file"]
        assert "汇总表" in page_texts(merged.read_bytes())[0]
    assert summary.pages == sum(_pages(out / f["file"]) for f in summary.files)
    assert ticks[0] == (0, 7) and ticks[-1] == (7, 7) and len(ticks) == 8


async def test_a_township_alone_and_nothing_for_another_program(
    runtime: Runtime, tmp_path: Path
) -> None:
    await _county(runtime)
    summary = await render_batch(tmp_path / "one", runtime.store, runtime.config.public_url,
                                 program=PROGRAM, year=2026, township=OTHER_TOWNSHIP, workers=1)
    assert [f["file"] for f in summary.files] == ["柳河镇-汇总-草稿.pdf", "柳河镇-柳河村-草稿.pdf"]
    assert [m["file"] for m in summary.merged] == ["柳河镇-合并打印.pdf"]
    with pytest.raises(NotFound, match="农机购置补贴"):
        await render_batch(tmp_path / "none", runtime.store, runtime.config.public_url,
                           program="农机购置补贴", year=2026, township=TOWNSHIP)
    with pytest.raises(NotFound, match="乡镇"):
        await render_batch(tmp_path / "none", runtime.store, runtime.config.public_url,
                           program=PROGRAM, year=2026, township="419901999000")


async def test_another_paper_re_renders_published_content_with_the_same_verify_code(
    runtime: Runtime, tmp_path: Path
) -> None:
    published = await _county(runtime)
    out = tmp_path / "a3"
    summary = await render_batch(out, runtime.store, runtime.config.public_url, program=PROGRAM,
                                 year=2026, township=TOWNSHIP, workers=2,
                                 style=board_style("A3", landscape=True, large_print=True))
    assert {f["how"] for f in summary.files} == {"rendered"}
    for f in summary.files:
        data = (out / f["file"]).read_bytes()
        version = published[f["notice"]]
        assert data != runtime.store.read(version.pdf_file)
        texts = page_texts(data)
        assert all(f"核验码：{format_code(version.verify_code)}" in t for t in texts)
        assert not any("草稿" in t for t in texts)
        doc = pdfium.PdfDocument(data)
        width, height = doc.get_page_size(0)
        doc.close()
        assert abs(width - 420 * MM) < 0.5 and abs(height - 297 * MM) < 0.5


async def test_a_withdrawn_notice_is_left_out_of_the_print_files(
    runtime: Runtime, tmp_path: Path
) -> None:
    published = await _county(runtime)
    xigang = await Notice.get(region__name="西岗村")
    gone, version = xigang.id, published[xigang.id]
    # What a withdrawal leaves behind (notices.lifecycle.corrections does it, with its
    # announcements).
    event = await record_event("test", "withdraw", f"notice:{gone}")  # the database wants it
    await NoticeVersion.filter(id=version.id).update(status=VersionStatus.WITHDRAWN,
                                                     status_event_id=event.id)
    await Notice.filter(id=gone).update(state=NoticeState.WITHDRAWN)
    summary = await render_batch(tmp_path / "w", runtime.store, runtime.config.public_url,
                                 program=PROGRAM, year=2026, township=TOWNSHIP, workers=1)
    assert gone not in {f["notice"] for f in summary.files}
    assert not any("西岗村" in f["file"] for f in summary.files)
    assert len(summary.files) == 2
    assert summary.merged[0]["pages"] == summary.pages


def test_file_names_cannot_escape_the_directory() -> None:
    assert safe_name("../东湖村/一组") == "东湖村_一组"
    assert safe_name("  ") == "未命名"


def _cli(runtime: Runtime, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CUNWU_HOME": str(runtime.config.home),
           "CUNWU_DATABASE_URL": runtime.config.database_url,
           "CUNWU_PUBLIC_URL": runtime.config.public_url}
    return subprocess.run([sys.executable, "-m", "bot.cli.main", "render", *args], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


async def test_the_command_line_renders_a_batch_and_still_one_notice(
    runtime: Runtime, tmp_path: Path
) -> None:
    published = await _county(runtime)
    out = tmp_path / "cli"
    run = _cli(runtime, "--township", TOWNSHIP, "--program", PROGRAM, "--year", "2026",
               "-o", str(out), "--json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert len(result["files"]) == 3 and result["failed"] == []
    assert result["pages"] == sum(f["pages"] for f in result["files"])
    assert "] 4/4" in run.stderr  # the progress bar: 3 files and 1 merged file
    notice_id, version = next(iter(published.items()))
    single = tmp_path / "one.pdf"
    run = _cli(runtime, str(notice_id), "-o", str(single))
    assert run.returncode == 0, run.stderr
    assert single.read_bytes() == runtime.store.read(version.pdf_file)
    assert _cli(runtime, str(notice_id), "--township", TOWNSHIP, "-o", str(out)).returncode == 2
    assert _cli(runtime, "--township", TOWNSHIP, "-o", str(out)).returncode == 2


async def test_another_paper_stamps_a_withdrawn_payout_list_too(runtime):
    _, reviewer, _, _, donghu = await _published(runtime)
    await corrections.withdraw(donghu, reviewer, "批次重复导入，整批作废")
    data, label = await notice_pdf(donghu, "http://cunwu.test", board_style("A3"),
                                   runtime.store)
    assert label == "v1（已撤回）" and "已撤回：本公示已撤回" in _flat(data)


async def test_another_paper_draws_a_withdrawn_finance_disclosure(runtime):
    clerk, reviewer, notice = await _signed_draft(runtime)
    await _to_review(notice, clerk, reviewer)
    await lifecycle.publish(notice, reviewer, runtime.publish_context())
    await corrections.withdraw(notice, reviewer, "账目有误，整月重做")
    data, label = await notice_pdf(notice, "http://cunwu.test", board_style("A3"),
                                   runtime.store)
    assert label == "v1（已撤回）" and "已撤回：本公示已撤回" in _flat(data)


def _flat(pdf: bytes) -> str:
    return "".join("".join(page_texts(pdf)).split())
