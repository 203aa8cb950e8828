"""Reading back what a villager would see: the text layer and the page images."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from PIL import Image


def page_texts(pdf_bytes: bytes) -> list[str]:
    """Text of each page as PDFium extracts it (what search, copy and screen readers get)."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        return [pdf[i].get_textpage().get_text_bounded() for i in range(len(pdf))]
    finally:
        pdf.close()


def png_size(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        return image.size
