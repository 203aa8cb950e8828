"""Reading an uploaded spreadsheet from a multipart request, with caps enforced while the body
streams in: a declared length over the cap is refused before a byte is read, and a body that
lies about its length (or has none) is cut off as soon as it passes the cap."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote

from aiohttp import BodyPartReader, web

from villages.errors import CunwuError, InvalidInput

_FIELD_BYTES = 4096  # a township code, a program name, a "列名=字段" mapping
_MAX_FIELDS = 60
_CHUNK = 64 * 1024
_SLACK = 64 * 1024  # multipart boundaries and the small fields next to the file


class PayloadTooLarge(CunwuError):
    status = 413
    code = "too_large"


@dataclass
class Upload:
    filename: str
    data: bytes
    fields: dict[str, list[str]] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        values = self.fields.get(name)
        return values[0].strip() if values else default

    def flag(self, name: str) -> bool:
        return self.get(name).lower() in ("1", "true", "yes", "on")


def _too_large(max_bytes: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"文件太大：上限 {max_bytes // (1024 * 1024)} MB，请分成几个文件上传")


async def read_upload(request: web.Request, max_bytes: int, *, file_required: bool = True
                      ) -> Upload:
    """The ``file`` part and the text fields of a multipart/form-data request."""
    if request.content_length is not None and request.content_length > max_bytes + _SLACK:
        raise _too_large(max_bytes)
    if request.content_type != "multipart/form-data":
        raise InvalidInput("请用 multipart/form-data 上传文件（字段名 file）",
                           details={"field": "file"})
    try:
        return await _read_parts(request, max_bytes, file_required)
    except CunwuError:
        raise
    except Exception:  # aiohttp's multipart parser raises several kinds on a mangled body
        raise InvalidInput("上传的内容不完整或格式不对，请重新选择文件上传",
                           details={"field": "file"}) from None


async def _read_parts(request: web.Request, max_bytes: int, file_required: bool) -> Upload:
    reader = await request.multipart()
    upload = Upload("", b"")
    seen_file = False
    count = 0
    while (part := await reader.next()) is not None:
        count += 1
        if count > _MAX_FIELDS or not isinstance(part, BodyPartReader):
            raise InvalidInput("上传的表单字段太多")
        name = part.name or ""
        if name == "file" and part.filename is not None:
            if seen_file:
                raise InvalidInput("一次只能上传一个文件", details={"field": "file"})
            seen_file = True
            # Some clients percent-encode the name; any folder part is dropped.
            name_only = unquote(part.filename).replace("\\", "/").rsplit("/", 1)[-1]
            upload.filename = name_only.strip()[:200] or "upload"
            upload.data = await _read_capped(part, max_bytes, _too_large(max_bytes))
            continue
        raw = await _read_capped(part, _FIELD_BYTES, InvalidInput(f"字段“{name[:20]}”太长"))
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidInput(f"字段“{name[:20]}”不是 UTF-8 文字") from None
        upload.fields.setdefault(name, []).append(text)
    if file_required and (not seen_file or not upload.data):
        raise InvalidInput("请选择要上传的表格文件（.xlsx/.xls/.csv）", details={"field": "file"})
    return upload


async def _read_capped(part: BodyPartReader, cap: int, error: CunwuError) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await part.read_chunk(_CHUNK):
        size += len(chunk)
        if size > cap:
            raise error
        chunks.append(chunk)
    return b"".join(chunks)
