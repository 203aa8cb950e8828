"""Benchmark: the privacy scanner over a board PDF's text layer (notices/privacy/scanner.py).

    .venv/bin/python bench/privacy_scan.py [--rows 1000 10000 100000] [--repeat 3]

Publishing scans every page of the board's text layer. For each size the board is rendered
once (pdf.samples.sample_notice: names, 村民小组 in Chinese numerals, masked IDs, 数量,
标准, 金额 with thousands commas, notes), its text layer extracted, then scanned
``--repeat`` times; prints the best scan time, the text size and the findings (0 expected:
the sample holds no personal number). A second column scans one synthetic worst case of
the same size: a single unbroken chain of 3-digit groups, where every window is tried.
"""

from __future__ import annotations

import argparse
import random
import time

from notices.privacy.gate import pdf_texts
from notices.privacy.scanner import find_personal_numbers
from pdf import render_notice
from pdf.samples import sample_notice


def _best(texts: list[str], repeat: int) -> tuple[float, int]:
    best, found = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        found = sum(len(find_personal_numbers(t, frozenset({"0376-7712345"}))) for t in texts)
        best = min(best, time.perf_counter() - started)
    return best, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'rows':>8} {'chars':>10} {'scan s':>8} {'found':>6} {'chain s':>8}")
    for rows in args.rows:
        texts = [text for _, text in pdf_texts(render_notice(sample_notice(rows, seed=rows)))]
        chars = sum(map(len, texts))
        seconds, found = _best(texts, args.repeat)
        rng = random.Random(rows)
        chain = " ".join(str(rng.randint(100, 999)) for _ in range(chars // 4))
        worst, _ = _best([chain], 1)
        print(f"{rows:>8} {chars:>10} {seconds:>8.3f} {found:>6} {worst:>8.3f}")


if __name__ == "__main__":
    main()
