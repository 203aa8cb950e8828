"""PNG images of a notice PDF for phones: one per page, or all pages as one long image.

pypdfium2 (PDFium) is not thread-safe: callers running renders in a thread pool must
serialise calls into this module (one worker thread, or a lock around it).
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from PIL import Image

PAGE_GAP_PX = 12          # grey strip between pages of a long image, so page breaks show
MAX_LONG_HEIGHT_PX = 60_000  # ~40 A4 pages at 1080 px; beyond that send pages one by one


def _pages(pdf_bytes: bytes, width_px: int) -> list[Image.Image]:
    if width_px < 100 or width_px > 10_000:
        raise ValueError(f"width_px must be 100…10000, got {width_px}")
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        images = []
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                scale = width_px / page.get_width()
                # Grayscale: the notice is black on white, and a third of the bytes travels
                # better over a village's mobile signal.
                bitmap = page.render(scale=scale, grayscale=True, may_draw_forms=False)
                images.append(bitmap.to_pil().convert("L"))
            finally:
                page.close()
        return images
    finally:
        pdf.close()


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


def render_pngs(pdf_bytes: bytes, width_px: int = 1080) -> list[bytes]:
    """Each page as a grayscale PNG `width_px` wide (1080 suits WeChat on a phone)."""
    return [_png(image) for image in _pages(pdf_bytes, width_px)]


def render_long_png(
    pdf_bytes: bytes, width_px: int = 1080, max_height_px: int = MAX_LONG_HEIGHT_PX
) -> bytes:
    """All pages stacked top to bottom in one PNG, for forwarding into ordinary WeChat groups.

    Raises ValueError when the result would be taller than `max_height_px`: a 700-page
    township list would need gigabytes of memory and no phone would open it anyway.
    """
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        sizes = [pdf.get_page_size(i) for i in range(len(pdf))]
    finally:
        pdf.close()
    if not sizes:
        raise ValueError("PDF has no pages")
    height = sum(round(h * width_px / w) for w, h in sizes) + PAGE_GAP_PX * (len(sizes) - 1)
    if height > max_height_px:
        raise ValueError(f"long image would be {height} px tall for {len(sizes)} pages "
                         f"(limit {max_height_px}); send the pages separately")
    images = _pages(pdf_bytes, width_px)
    sheet = Image.new("L", (width_px, sum(i.height for i in images)
                            + PAGE_GAP_PX * (len(images) - 1)), 200)
    y = 0
    for image in images:
        sheet.paste(image, (0, y))
        y += image.height + PAGE_GAP_PX
    return _png(sheet)
