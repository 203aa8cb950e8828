"""Timing check for render_notice (not a unit test): `python -m pdf.bench [rows …]`.

Targets from the performance issue: 1,000 rows ≤ 0.35 s, 20,000 rows ≤ 4.5 s, linear.
Font loading happens once per process and is reported separately.
"""

from __future__ import annotations

import sys
import time

from pdf.fonts import load_fonts
from pdf.notice import render_notice
from pdf.samples import sample_notice


def main(argv: list[str]) -> None:
    started = time.perf_counter()
    load_fonts()
    print(f"font load (once per process): {time.perf_counter() - started:.3f} s")
    render_notice(sample_notice(20))  # warm-up: first-use caches
    for rows in [int(a) for a in argv] or [1_000, 20_000]:
        doc = sample_notice(rows, seed=rows)
        best = float("inf")
        for _ in range(3 if rows <= 5_000 else 1):
            started = time.perf_counter()
            pdf = render_notice(doc)
            best = min(best, time.perf_counter() - started)
        print(f"{rows:>6} rows: {best:.3f} s  ({len(pdf) / 1024:.0f} KiB)")


if __name__ == "__main__":
    main(sys.argv[1:])
