"""Benchmark: the village finance disclosure board PDF (pdf/finance.py).

    .venv/bin/python bench/finance_render.py [--entries 30 300 3000] [--repeat 3]

A village month has 10–200 entries; 3,000 is a large town-level collective's quarter. For
each size: the best of ``--repeat`` in-process renders (fonts loaded once, as in the
service), the page count and the file size. Prints one line per size.
"""

from __future__ import annotations

import argparse
import time

import pypdfium2 as pdfium

from pdf import load_fonts
from pdf.finance import render_finance
from pdf.finance_samples import sample_finance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, nargs="+", default=[30, 300, 3000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    fonts = load_fonts()
    render_finance(sample_finance(10), fonts=fonts)  # warm-up: glyph tables, code paths
    print(f"{'entries':>8} {'best ms':>8} {'pages':>6} {'KB':>6}")
    for count in args.entries:
        doc = sample_finance(count, seed=count)
        best, data = float("inf"), b""
        for _ in range(args.repeat):
            start = time.perf_counter()
            data = render_finance(doc, fonts=fonts)
            best = min(best, time.perf_counter() - start)
        pages = len(pdfium.PdfDocument(data))
        print(f"{count:>8} {best * 1000:>8.0f} {pages:>6} {len(data) // 1024:>6}")


if __name__ == "__main__":
    main()
