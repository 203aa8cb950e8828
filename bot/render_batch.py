"""Print files for whole townships: ``cunwu render --township CODE|--county --program --year``.

One file per village notice (and per township summary), plus one merged print file per
township. A published notice is copied byte for byte from the file that was published: the
clerk prints exactly what the verify code, the web page and the WeChat messages vouch for,
even if the renderer or its fonts have changed since. An unpublished notice is rendered
from its draft, with the 草稿 watermark. Only a different paper or print size (A3,
landscape, large print) re-renders a published version, from its frozen content.

The database is read here; the rendering itself runs in `pdf.batch` on every core, from
plain data.
"""

from __future__ import annotations

import asyncio
import re
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn, TextIO

from notices.files import FileStore
from notices.fingerprint import format_code
from notices.kinds.finance import is_finance
from notices.ledgers.models import PayoutBatch
from notices.models import Notice, NoticeKind, NoticeState, NoticeVersion, VersionStatus
from notices.render.board import board_pdf
from notices.render.general import is_general
from notices.render.payout import board_doc
from notices.render.publication import Publication, publication_of
from pdf import NoticeDoc, Style, render_notice
from pdf.batch import BatchResult, FileJob, MergeJob, Progress, run_batch
from pdf.notice import STYLE
from villages.codes import prefix_of
from villages.errors import InvalidInput, NotFound
from villages.models import Level, Region

_UNSAFE = re.compile(r'[\\/:*?"<>|\s\x00-\x1f\x7f]+')


@dataclass(frozen=True)
class Planned:
    job: FileJob
    notice_id: int
    version: str   # "v2" or "草稿"
    how: str       # copied | rendered (published, new layout) | draft
    township: tuple[str, str]  # (code, file-safe name): the merged print file it goes into


@dataclass
class BatchSummary:
    out_dir: Path
    files: list[dict[str, Any]] = field(default_factory=list)
    merged: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def pages(self) -> int:
        return sum(f["pages"] for f in self.files)

    def as_dict(self) -> dict[str, Any]:
        return {"dir": str(self.out_dir), "files": self.files, "merged": self.merged,
                "pages": self.pages, "seconds": round(self.seconds, 2), "failed": self.failed}

    def text(self) -> str:
        drafts = sum(f["how"] == "draft" for f in self.files)
        lines = [f"已写出 {len(self.files)} 份公示（其中草稿 {drafts} 份）、"
                 f"{len(self.merged)} 份乡镇合并打印文件，共 {self.pages} 页，"
                 f"用时 {self.seconds:.1f} 秒 → {self.out_dir}"]
        lines += [f"  {m['file']}（{m['pages']} 页）" for m in self.merged]
        lines += [f"  失败 {f['file']}：{f['error']}" for f in self.failed]
        return "\n".join(lines)


def safe_name(text: str) -> str:
    """A region name as part of a file name on any OS (names come from an imported CSV)."""
    return _UNSAFE.sub("_", text).strip("._") or "未命名"


def _unique(name: str, used: set[str]) -> str:
    # Two batches of one program and year (e.g. two periods) give a village two drafts.
    stem, n = name.removesuffix(".pdf"), 1
    while name in used:
        n += 1
        name = f"{stem}-{n}.pdf"
    used.add(name)
    return name


async def _select_batches(township: str | None, county: str | None, program: str,
                          year: int) -> list[PayoutBatch]:
    query = PayoutBatch.filter(program=program, year=year)
    where = "全县"
    if township:
        region = await _region(township, Level.TOWNSHIP)
        query, where = query.filter(township_id=region.id), region.name
    elif county:
        region = await _region(county, Level.COUNTY)
        query = query.filter(township__code__startswith=prefix_of(region.code))
        where = region.name
    batches = await query.order_by("township__code", "id").prefetch_related("township")
    if not batches:
        raise NotFound(f"{where}没有 {year} 年“{program}”的补贴批次")
    return batches


async def _region(code: str, level: Level) -> Region:
    region = await Region.get_or_none(code=code)
    if region is None or region.level != level:
        kind = "乡镇" if level is Level.TOWNSHIP else "县"
        raise NotFound(f"没有区划代码为 {code} 的{kind}")
    return region


def published_doc(version: NoticeVersion, public_url: str) -> NoticeDoc:
    """The board document of a published version as `lifecycle.publish` built it, stamped
    已撤回 if it has since been withdrawn."""
    code = version.verify_code
    pub = publication_of(version.content, code, f"{public_url}/n/{code}")
    doc = board_doc(version.content, pub, draft=False)
    return replace(doc, withdrawn=version.status == VersionStatus.WITHDRAWN)


def draft_doc(notice: Notice) -> NoticeDoc:
    return board_doc(notice.draft_content, Publication(), draft=True)


async def notice_pdf(notice: Notice, public_url: str, style: Style,
                     store: FileStore | None = None) -> tuple[bytes, str]:
    """One notice in another layout: its current version re-rendered from the frozen content
    (same text, verify code and QR), or its draft with the watermark."""
    version = await NoticeVersion.filter(notice=notice).order_by("-number").first()
    if store is not None and not _is_payout(notice.draft_content):
        return await _stored_kind_pdf(notice, version, public_url, style, store)
    if version is None:
        return render_notice(draft_doc(notice), style=style), "草稿"
    return (render_notice(published_doc(version, public_url), style=style),
            version_label(version))


def _is_payout(content: dict[str, Any]) -> bool:
    return not (is_general(content) or is_finance(content))


def version_label(version: NoticeVersion) -> str:
    withdrawn = version.status == VersionStatus.WITHDRAWN
    return f"v{version.number}" + ("（已撤回）" if withdrawn else "")


async def _stored_kind_pdf(notice: Notice, version: NoticeVersion | None, public_url: str,
                          style: Style, store: FileStore) -> tuple[bytes, str]:
    """A finance or general notice: board_pdf draws every kind (pictures from the store)."""
    if version is None:
        return board_pdf(notice.draft_content, Publication(), store, draft=True,
                         style=style), "草稿"
    code = version.verify_code
    pub = publication_of(version.content, code, f"{public_url}/n/{code}")
    data = board_pdf(version.content, pub, store, draft=False, style=style,
                     withdrawn=version.status == VersionStatus.WITHDRAWN)
    return data, version_label(version)


def usage_error(message: str) -> NoReturn:
    """Bad usage exits 2, like argparse's own errors."""
    print(f"cunwu render: {message}", file=sys.stderr)
    raise SystemExit(2)


async def plan_batch(out_dir: Path, store: FileStore, public_url: str, *, program: str,
                     year: int, township: str | None = None, county: str | None = None,
                     style: Style = STYLE) -> tuple[list[Planned], list[MergeJob]]:
    """What to write for the selection. `county` "" means every township in the database."""
    batches = await _select_batches(township, county, program, year)
    by_batch = {b.id: b for b in batches}
    notices = await Notice.filter(batch_id__in=list(by_batch)).exclude(
        state=NoticeState.WITHDRAWN).prefetch_related("region")
    if not notices:
        ids = "、".join(str(b.id) for b in batches)
        raise NotFound(f"批次 {ids} 还没有公示；先用 cunwu notice create --batch 起草")
    ids = [n.id for n in notices]
    current = {v.notice_id: v for v in await NoticeVersion.filter(
        notice_id__in=ids, status=VersionStatus.CURRENT)}
    ever_published = set(await NoticeVersion.filter(notice_id__in=ids).values_list(
        "notice_id", flat=True))
    # Township summary first, then villages by code: the order the board pages go up in.
    notices.sort(key=lambda n: (by_batch[n.batch_id].township.code,
                                n.kind != NoticeKind.PAYOUT_SUMMARY, n.region.code, n.id))
    out_dir.mkdir(parents=True, exist_ok=True)
    used: set[str] = set()
    planned: list[Planned] = []
    for notice in notices:
        version = current.get(notice.id)
        if version is None and notice.id in ever_published:
            continue  # every version withdrawn: nothing of it belongs on a board
        township_row = by_batch[notice.batch_id].township
        town = safe_name(township_row.name)
        place = "汇总" if notice.kind == NoticeKind.PAYOUT_SUMMARY else safe_name(
            notice.region.name)
        label = format_code(version.verify_code) if version else "草稿"
        target = str(out_dir / _unique(f"{town}-{place}-{label}.pdf", used))
        if version is None:
            job, how = FileJob(target, doc=draft_doc(notice), style=style), "draft"
        elif style == STYLE and store.exists(version.pdf_file):
            job, how = FileJob(target, source=str(store.path(version.pdf_file))), "copied"
        else:  # another layout, or the stored file is lost: render the frozen content
            job, how = FileJob(target, doc=published_doc(version, public_url), style=style), \
                "rendered"
        planned.append(Planned(job, notice.id, f"v{version.number}" if version else "草稿",
                               how, (township_row.code, town)))
    merges = _merges(planned, out_dir, used)
    return planned, merges


def _merges(planned: Iterable[Planned], out_dir: Path, used: set[str]) -> list[MergeJob]:
    towns: dict[tuple[str, str], list[str]] = {}
    for p in planned:
        towns.setdefault(p.township, []).append(p.job.target)
    return [MergeJob(str(out_dir / _unique(f"{name}-合并打印.pdf", used)), tuple(sources))
            for (_code, name), sources in towns.items()]


def summarise(planned: list[Planned], merges: list[MergeJob], result: BatchResult,
              out_dir: Path, seconds: float) -> BatchSummary:
    summary = BatchSummary(out_dir, seconds=seconds)
    for p, done in zip(planned, result.files, strict=True):
        name = Path(done.target).name
        if done.error:
            summary.failed.append({"file": name, "error": done.error})
            continue
        summary.files.append({"file": name, "notice": p.notice_id, "version": p.version,
                              "how": p.how, "pages": done.pages})
    for done in result.merged:
        name = Path(done.target).name
        if done.error:
            summary.failed.append({"file": name, "error": done.error})
        else:
            summary.merged.append({"file": name, "pages": done.pages})
    return summary


async def render_batch(out_dir: Path, store: FileStore, public_url: str, *, program: str,
                       year: int, township: str | None = None, county: str | None = None,
                       style: Style = STYLE, workers: int | None = None,
                       progress: Progress | None = None) -> BatchSummary:
    """Plan from the database, then render on every core (in a thread, so the event loop
    and the database connection stay responsive while the workers run)."""
    started = time.perf_counter()
    if out_dir.exists() and not out_dir.is_dir():
        raise InvalidInput(f"{out_dir} 是文件；批量导出时 -o 应是目录")
    planned, merges = await plan_batch(out_dir, store, public_url, program=program, year=year,
                                       township=township, county=county, style=style)
    result = await asyncio.to_thread(run_batch, [p.job for p in planned], merges,
                                     workers=workers, progress=progress)
    return summarise(planned, merges, result, out_dir, time.perf_counter() - started)


def progress_bar(stream: TextIO = sys.stderr, width: int = 30) -> Progress:
    """``\\r[########      ] 12/40`` redrawn in place; a newline when done."""
    def draw(done: int, total: int) -> None:
        if total <= 0:
            return
        filled = width * done // total
        stream.write(f"\r[{'#' * filled}{' ' * (width - filled)}] {done}/{total}")
        if done >= total:
            stream.write("\n")
        stream.flush()
    return draw
