"""Pictures from outside (a cadre's board photo, a general notice's chart): checked with
Pillow and re-encoded before anything keeps them.

An upload is untrusted: it must be an image Pillow fully decodes, within a cap in bytes and
in pixels (a decompression bomb is a few KB that decodes to gigabytes), and it is stored
re-encoded, which drops EXIF (a phone photo's GPS position is nobody's business) and
anything appended after the image data.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from villages.errors import InvalidInput


@dataclass(frozen=True)
class ImageRules:
    what: str                 # how messages call it: 照片, 图片
    formats: frozenset[str]   # Pillow format names accepted
    formats_zh: str           # the same for people: "PNG 或 JPEG"
    max_bytes: int
    max_pixels: int
    max_edge: int             # the long side kept
    min_short_side: int = 0   # smaller shows nothing useful
    keep_png: bool = False    # charts and scans: lossless keeps thin lines crisp


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    format: str               # PNG or JPEG, as stored
    width: int
    height: int


def clean_image(raw: bytes, label: str, rules: ImageRules) -> CleanImage:
    """The image upright, within ``rules.max_edge``, re-encoded without metadata; or
    InvalidInput naming ``label`` and what is wrong."""
    what, name = rules.what, label[-60:]
    if len(raw) > rules.max_bytes:
        raise InvalidInput(f"{what} {name} 有 {len(raw) / 1048576:.1f} MB，超过 "
                           f"{rules.max_bytes // 1048576} MB 上限，请压缩后再传")
    unreadable = f"{name} 不是能打开的图片（或文件已损坏），只支持 {rules.formats_zh}"
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its two bomb limits; here every bomb is refused.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(raw))
            with probe:
                kind, (width, height) = probe.format, probe.size
                if kind not in rules.formats:
                    raise InvalidInput(f"{what} {name} 是 {kind} 格式，只支持 {rules.formats_zh}")
                if width * height > rules.max_pixels:
                    raise InvalidInput(f"{what} {name} 像素过大（{width}×{height}），"
                                       "请缩小后再传")
                probe.verify()  # structure and checksums, before anything is decoded
            with Image.open(io.BytesIO(raw)) as image:
                image.load()
                picture = ImageOps.exif_transpose(image)
    except InvalidInput:
        raise
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise InvalidInput(f"{what} {name} 像素过大，请缩小后再传") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise InvalidInput(unreadable) from None
    if min(picture.size) < rules.min_short_side:
        raise InvalidInput(f"{what} {name} 太小（{picture.width}×{picture.height}），看不清，"
                           f"请上传至少 {rules.min_short_side} 像素宽的{what}")
    if picture.mode not in ("RGB", "L"):
        # Transparency prints as black on some printers: flatten onto white paper.
        rgba = picture.convert("RGBA")
        picture = Image.new("RGB", rgba.size, "white")
        picture.paste(rgba, mask=rgba.getchannel("A"))
    picture.thumbnail((rules.max_edge, rules.max_edge), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    stored = "PNG" if rules.keep_png and kind == "PNG" else "JPEG"
    if stored == "PNG":
        picture.save(out, "PNG", optimize=True)
    else:
        picture.save(out, "JPEG", quality=85, optimize=True)  # no exif= given: none is written
    return CleanImage(out.getvalue(), stored, picture.width, picture.height)
