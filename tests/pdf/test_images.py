"""Phone images of a notice: one PNG per page, or one long PNG for forwarding."""

from __future__ import annotations

import pytest

from pdf import render_long_png, render_notice, render_pngs
from pdf.fonts import FontSet
from pdf.images import PAGE_GAP_PX
from pdf.samples import sample_notice
from tests.pdf.readback import page_texts, png_size


@pytest.fixture(scope="module")
def pdf(fonts: FontSet) -> bytes:
    return render_notice(sample_notice(60), fonts=fonts)


def test_one_png_per_page_at_phone_width(pdf: bytes) -> None:
    pngs = render_pngs(pdf)
    assert len(pngs) == len(page_texts(pdf)) > 1
    for png in pngs:
        assert png.startswith(b"\x89PNG")
        width, height = png_size(png)
        assert width == 1080
        assert height == pytest.approx(1080 * 297 / 210, abs=2)  # A4 portrait kept


def test_width_is_configurable(pdf: bytes) -> None:
    assert png_size(render_pngs(pdf, width_px=720)[0])[0] == 720


def test_long_png_stacks_all_pages(pdf: bytes) -> None:
    pages = [png_size(p) for p in render_pngs(pdf, width_px=540)]
    width, height = png_size(render_long_png(pdf, width_px=540))
    assert width == 540
    assert height == sum(h for _, h in pages) + PAGE_GAP_PX * (len(pages) - 1)


def test_long_png_refuses_an_image_no_phone_could_open(pdf: bytes) -> None:
    with pytest.raises(ValueError, match="send the pages separately"):
        render_long_png(pdf, max_height_px=2000)


def test_absurd_width_is_refused(pdf: bytes) -> None:
    with pytest.raises(ValueError, match="width_px"):
        render_pngs(pdf, width_px=50_000)
