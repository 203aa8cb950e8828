"""The peers of the board-PDF benchmark, and the measuring helpers it shares with them.

Run through bench/render_bench.py, which starts each contender in its own subprocess.
"""

from __future__ import annotations

import html
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pdf.samples import sample_lines  # noqa: E402

HEADERS = ("序号", "姓名", "村民小组", "身份证号", "数量（亩）", "标准（元/亩）", "金额（元）",
           "备注")


def payout_table(count: int) -> list[tuple[str, ...]]:
    return [(str(n), line.name, line.group, line.id_display, line.quantity, line.rate,
             f"{line.amount_fen // 100:,}.{line.amount_fen % 100:02d}", line.note)
            for n, line in enumerate(sample_lines(count, seed=count), 1)]


def cpu_seconds() -> float:
    """CPU time of this process and its waited-for children (LibreOffice)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def best_of(run: Callable[[], bytes], repeats: int) -> tuple[float, float, bytes]:
    """(wall, CPU, output) of the fastest of `repeats` runs. CPU time is what a busy
    machine distorts least: wall time ≫ CPU time means the run waited for a core."""
    best: tuple[float, float, bytes] = (float("inf"), 0.0, b"")
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), cpu_seconds()
        data = run()
        wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
        if wall < best[0]:
            best = (wall, cpu, data)
    return best


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # KiB on Linux


def pdf_pages(data: bytes) -> int:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()


def child_libreoffice(rows: int) -> dict[str, object]:
    import xlsxwriter
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        return {"missing": "LibreOffice not installed (apt-get install libreoffice-calc-nogui)"}
    work = Path(tempfile.mkdtemp(prefix="bench-lo-"))
    profile = f"-env:UserInstallation=file://{work}/profile"

    def convert(path: Path) -> bytes:
        subprocess.run([soffice, profile, "--headless", "--convert-to", "pdf", "--outdir",
                        str(work), str(path)], check=True, capture_output=True, timeout=900)
        return path.with_suffix(".pdf").read_bytes()

    def write(path: Path, table: list[tuple[str, ...]]) -> None:
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet("公示")
        cell = book.add_format({"font_name": "WenQuanYi Micro Hei", "font_size": 11,
                                "border": 1, "text_wrap": True, "valign": "vcenter"})
        sheet.set_paper(9)  # A4
        sheet.repeat_rows(0)  # header on every page, as on the board
        sheet.fit_to_pages(1, 0)
        for col, width in enumerate((6, 10, 9, 21, 10, 12, 11, 14)):  # fits A4 portrait
            sheet.set_column(col, col, width, cell)
        sheet.write_row(0, 0, HEADERS, cell)
        for r, row in enumerate(table, 1):
            sheet.write_row(r, 0, row, cell)
        book.close()

    write(work / "warm.xlsx", payout_table(10))
    convert(work / "warm.xlsx")  # creates the user profile; not part of a conversion's cost
    write(work / "table.xlsx", payout_table(rows))
    seconds, cpu, data = best_of(lambda: convert(work / "table.xlsx"), 1)
    shutil.rmtree(work, ignore_errors=True)
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb(resource.RUSAGE_CHILDREN),
            "pages": pdf_pages(data), "kib": len(data) / 1024,
            "note": "table only; soffice --headless --convert-to pdf, process start included"}


def child_weasyprint(rows: int) -> dict[str, object]:
    try:
        import weasyprint
    except ImportError:
        return {"missing": "WeasyPrint not installed (.venv/bin/pip install weasyprint)"}
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in payout_table(rows))
    doc = (
        "<html><head><meta charset='utf-8'><style>"
        "@page{size:A4;margin:15mm} body{font-family:'WenQuanYi Micro Hei';font-size:11pt}"
        "table{border-collapse:collapse;width:100%} td,th{border:0.5pt solid #000;padding:2pt}"
        "</style></head><body><table><thead><tr>"
        + "".join(f"<th>{h}</th>" for h in HEADERS)
        + f"</tr></thead><tbody>{body}</tbody></table></body></html>")
    weasyprint.HTML(string="<p>预热</p>").write_pdf()  # font discovery, first-use caches
    seconds, cpu, data = best_of(lambda: weasyprint.HTML(string=doc).write_pdf(), 1)
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb(), "pages": pdf_pages(data),
            "kib": len(data) / 1024,
            "note": f"WeasyPrint {weasyprint.__version__}, table only, <thead> repeats"}
