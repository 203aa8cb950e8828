"""The board as a channel: a cadre records the posting with a photo, the matrix shows which
version the board holds, and a photo of a superseded version is a stale cell — on SQLite and
PostgreSQL. The photo is untrusted input and is checked and re-encoded before it is kept."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from notices.audit import find_broken_link
from notices.delivery.board_posting import MAX_PHOTO_BYTES, check_photo, record_board_posting
from notices.delivery.consistency import BOARD_POSTING_DAYS, consistency_matrix
from notices.delivery.models import BoardPosting
from notices.ledgers.models import PayoutRow
from notices.ledgers.payouts.services import import_payouts
from notices.lifecycle import corrections
from notices.lifecycle import workflow as lifecycle
from notices.models import AuditEvent, NoticeKind
from pdf import render_pngs
from tests.builders import TOWNSHIP, VILLAGE_A, VILLAGE_B, create_county, create_staff, payout_csv
from villages.errors import Conflict, Forbidden, InvalidInput
from villages.models import Role

pytestmark = pytest.mark.storage

ROWS = [("东湖村", "一组", "张建国", "10.00", "925.00"),
        ("东湖村", "二组", "李秀英", "3.50", "323.75")]


def _photo(width: int = 1200, height: int = 900, fmt: str = "JPEG", **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 190, 170)).save(out, fmt, **save)
    return out.getvalue()


async def _published(runtime):
    await create_county()
    clerk = await create_staff("clerk", Role.TOWNSHIP_CLERK, TOWNSHIP)
    reviewer = await create_staff("reviewer", Role.TOWNSHIP_REVIEWER, TOWNSHIP)
    cadre = await create_staff("文书", Role.VILLAGE_CADRE, VILLAGE_A)
    summary = await import_payouts(payout_csv(ROWS, total="1248.75"), "s.csv",
                                   township_code=TOWNSHIP, program="耕地地力保护补贴",
                                   year=2026, actor=clerk, cipher=runtime.cipher)
    notices = await lifecycle.create_payout_notices(summary.batch_id, clerk)
    for notice in notices:
        await lifecycle.submit(notice, clerk)
        await lifecycle.approve(notice, reviewer)
        await lifecycle.publish(notice, reviewer, runtime.publish_context())
    village = next(n for n in notices if n.kind == NoticeKind.PAYOUT_VILLAGE)
    return clerk, reviewer, cadre, village


def _cells(rows, notice_id):
    row = next(r for r in rows if r.notice_id == notice_id)
    return row, next(c for c in row.cells if c.channel == "board")


async def test_a_photo_of_the_current_version_makes_the_board_cell_current(runtime):
    _, _, cadre, notice = await _published(runtime)
    row, board = _cells(await consistency_matrix(VILLAGE_A), notice.id)
    assert (board.holds, board.state) == (None, "to_post")   # just published: in its grace
    pdf = runtime.store.read(f"{row.verify_code.replace('-', '')}.pdf")
    photo = render_pngs(pdf, 1080)[0]   # as good a stand-in for a phone photo as any
    posting = await record_board_posting(notice.id, VILLAGE_A, photo, "IMG_0001.png", cadre,
                                         runtime.store)
    stored = Image.open(io.BytesIO(runtime.store.read(posting.photo_file)))
    assert stored.format == "JPEG" and stored.width == 1080
    row, board = _cells(await consistency_matrix(VILLAGE_A), notice.id)
    assert (board.holds, board.state) == (1, "ok")
    event = await AuditEvent.get(action="board_posted")
    assert event.detail["version"] == 1 and event.detail["region"] == VILLAGE_A
    assert await find_broken_link() is None


async def test_no_photo_after_the_grace_days_is_a_missing_cell(runtime):
    *_, notice = await _published(runtime)
    version = await notice.versions.all().first()
    late = version.published_at.date() + timedelta(days=BOARD_POSTING_DAYS)
    row, board = _cells(await consistency_matrix(VILLAGE_A, today=late), notice.id)
    assert board.state == "missing" and not row.ok


async def test_a_photo_of_a_superseded_version_is_stale_until_the_correction_is_posted(runtime):
    clerk, reviewer, cadre, notice = await _published(runtime)
    await record_board_posting(notice.id, VILLAGE_A, _photo(), "v1.jpg", cadre, runtime.store)
    row = await PayoutRow.get(name="李秀英")
    await corrections.amend_payout_row(row.id, clerk, "面积有误", amount_fen=33300,
                                       quantity=None)
    stale_ones = await corrections.stale_notices(notice.batch_id)
    for stale in stale_ones:   # the village notice and the township summary, together
        await corrections.correct(stale, clerk, "李秀英补贴面积有误")
    for stale in stale_ones:
        await lifecycle.submit(stale, clerk)
        await lifecycle.approve(stale, reviewer)
        await lifecycle.publish(stale, reviewer, runtime.publish_context())
    matrix_row, board = _cells(await consistency_matrix(VILLAGE_A), notice.id)
    assert matrix_row.version == 2
    assert (board.holds, board.state) == (1, "stale") and not matrix_row.ok
    await record_board_posting(notice.id, VILLAGE_A, _photo(), "v2.jpg", cadre, runtime.store)
    _, board = _cells(await consistency_matrix(VILLAGE_A), notice.id)
    assert (board.holds, board.state) == (2, "ok")


async def test_the_photo_must_be_for_the_notices_own_board_by_someone_in_scope(runtime):
    clerk, reviewer, cadre, notice = await _published(runtime)
    with pytest.raises(InvalidInput, match="不贴在"):
        await record_board_posting(notice.id, VILLAGE_B, _photo(), "a.jpg", clerk, runtime.store)
    other = await create_staff("别村文书", Role.VILLAGE_CADRE, VILLAGE_B)
    with pytest.raises(Forbidden):
        await record_board_posting(notice.id, VILLAGE_A, _photo(), "a.jpg", other, runtime.store)
    with pytest.raises(Forbidden):
        await record_board_posting(notice.id, VILLAGE_A, _photo(), "a.jpg", reviewer,
                                   runtime.store)
    await corrections.withdraw(notice, reviewer, "发错了")
    with pytest.raises(Conflict, match="没有现行版本"):
        await record_board_posting(notice.id, VILLAGE_A, _photo(), "a.jpg", cadre,
                                   runtime.store)
    assert await BoardPosting.all().count() == 0


def test_gps_and_other_exif_are_dropped_and_the_photo_is_turned_upright():
    exif = Image.Exif()
    exif[0x0112] = 6                      # Orientation: rotate 90° to view
    exif[0x8825] = {2: (34.0, 45.0, 0.0)}  # GPSInfo: GPSLatitude
    checked = check_photo(_photo(1200, 900, exif=exif), "IMG_0002.jpg")
    stored = Image.open(io.BytesIO(checked.jpeg))
    assert not stored.getexif() and (checked.width, checked.height) == (900, 1200)
    assert b"Exif" not in checked.jpeg


@pytest.mark.parametrize(("data", "message"), [
    (b"%PDF-1.7 not a photo", "不是能打开的图片"),
    (_photo()[:4000], "不是能打开的图片"),                       # cut off mid-upload
    (_photo(200, 150), "太小"),
    (_photo(fmt="GIF"), "GIF"),
])
def test_what_is_not_a_usable_photo_is_refused_by_name(data, message):
    with pytest.raises(InvalidInput, match=message):
        check_photo(data, "upload.jpg")


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    out = io.BytesIO()
    Image.new("1", (12_000, 12_000)).save(out, "PNG")   # 144 MP in ~20 KB
    assert len(out.getvalue()) < 100_000
    with pytest.raises(InvalidInput, match="像素过大"):
        check_photo(out.getvalue(), "bomb.png")


def test_a_photo_over_the_size_cap_is_refused():
    with pytest.raises(InvalidInput, match="上限"):
        check_photo(b"\xff\xd8" + bytes(MAX_PHOTO_BYTES), "huge.jpg")
