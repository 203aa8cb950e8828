"""Many board files at once on every core: the year-end run of a whole county.

Work crosses process boundaries as plain data (NoticeDoc, Style, paths) and workers write
their files themselves, so only a few numbers come back. Still no database: callers decide
what to render and where it goes.
"""

from __future__ import annotations

import multiprocessing
import os
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium

from pdf.fonts import load_fonts
from pdf.layout import Style
from pdf.model import NoticeDoc
from pdf.notice import STYLE, render_notice

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FileJob:
    """One file to write: `doc` rendered with `style`, or the file `source` copied as is."""

    target: str
    doc: NoticeDoc | None = None
    source: str | None = None  # a published version's stored PDF, which must not change
    style: Style = STYLE


@dataclass(frozen=True)
class MergeJob:
    """One print file of the `sources` in order (a township's notices, to print in one go)."""

    target: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Done:
    target: str
    pages: int = 0
    size: int = 0
    error: str = ""  # why this file was not written; "" when it was


@dataclass(frozen=True)
class BatchResult:
    files: tuple[Done, ...]   # in the order of the jobs given
    merged: tuple[Done, ...]


def _write(target: str, data: bytes) -> None:
    """Atomically: an interrupted run never leaves half a print file that looks whole."""
    path = Path(target)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pdf")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _page_count(data: bytes) -> int:
    doc = pdfium.PdfDocument(data)
    try:
        return len(doc)
    finally:
        doc.close()


def produce(job: FileJob) -> Done:
    """Render or copy one file. Runs in a worker; errors come back as text, not raised, so
    one bad notice (a character no font has) does not stop a county's run."""
    try:
        if job.source is not None:
            data = Path(job.source).read_bytes()
        elif job.doc is not None:
            data = render_notice(job.doc, style=job.style)
        else:
            raise ValueError("a FileJob needs a doc or a source")
        _write(job.target, data)
        return Done(job.target, _page_count(data), len(data))
    except (OSError, ValueError) as exc:  # FontError is a ValueError
        return Done(job.target, error=str(exc))


def merge(job: MergeJob) -> Done:
    """The sources one after another in a single PDF (pages imported, not re-rendered)."""
    merged = pdfium.PdfDocument.new()
    opened = []
    try:
        for source in job.sources:
            # Kept open until saved: imported pages may still refer to their source.
            opened.append(pdfium.PdfDocument(source))
            merged.import_pages(opened[-1])
        pages = len(merged)
        fd, tmp = tempfile.mkstemp(dir=Path(job.target).parent, prefix=".tmp-", suffix=".pdf")
        with os.fdopen(fd, "wb") as fh:
            merged.save(fh)
        os.replace(tmp, job.target)
        return Done(job.target, pages, Path(job.target).stat().st_size)
    except (OSError, pdfium.PdfiumError) as exc:
        return Done(job.target, error=str(exc))
    finally:
        merged.close()
        for doc in opened:
            doc.close()


def _warm() -> None:
    # Each worker parses the font once, not once per notice.
    load_fonts()


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # honours taskset/cgroup CPU pinning
    except AttributeError:
        return os.cpu_count() or 1


def _pool(workers: int) -> ProcessPoolExecutor:
    # forkserver, not fork: the caller may hold threads (asyncio, aiosqlite) whose locks a
    # forked child would inherit mid-use; and cheaper than spawn, since the server imports
    # ReportLab once and every worker is forked from it.
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["pdf.batch"])
    return ProcessPoolExecutor(workers, mp_context=ctx, initializer=_warm)


def run_batch(files: Sequence[FileJob], merges: Sequence[MergeJob] = (), *,
              workers: int | None = None, progress: Progress | None = None) -> BatchResult:
    """Write every file, then every merged file whose sources were all written.

    A merged file with a missing source is not written (error set): a township's print
    file that silently lacks a village is worse than none.
    """
    workers = max(1, min(workers or available_cores(), len(files) or 1))
    total, done = len(files) + len(merges), 0
    report = progress or (lambda _done, _total: None)
    report(0, total)
    results: dict[int, Done] = {}
    merged: dict[int, Done] = {}

    def finish(into: dict[int, Done], index: int, result: Done) -> None:
        nonlocal done
        into[index] = result
        done += 1
        report(done, total)

    if workers == 1:  # no pool to start for a single notice or a single core
        for i, job in enumerate(files):
            finish(results, i, produce(job))
        failed = {d.target for d in results.values() if d.error}
        for i, m in enumerate(merges):
            finish(merged, i, _refused(m, failed) if failed.intersection(m.sources) else merge(m))
    else:
        with _pool(workers) as pool:
            # Longest first, so no worker is left rendering one big list at the end.
            order = sorted(range(len(files)), key=lambda i: -_weight(files[i]))
            futures: dict[Future[Done], int] = {pool.submit(produce, files[i]): i for i in order}
            for future in as_completed(futures):
                finish(results, futures[future], future.result())
            failed = {d.target for d in results.values() if d.error}
            pending: dict[Future[Done], int] = {}
            for i, m in enumerate(merges):
                if failed.intersection(m.sources):
                    finish(merged, i, _refused(m, failed))
                else:
                    pending[pool.submit(merge, m)] = i
            for future in as_completed(pending):
                finish(merged, pending[future], future.result())
    return BatchResult(tuple(results[i] for i in range(len(files))),
                       tuple(merged[i] for i in range(len(merges))))


def _weight(job: FileJob) -> int:
    return len(job.doc.lines) if job.doc is not None else 0


def _refused(job: MergeJob, failed: set[str]) -> Done:
    missing = "、".join(Path(s).name for s in job.sources if s in failed)
    return Done(job.target, error=f"未合并：{missing} 没有生成")
