"""Reading a small form (sign-in, objection, confirmations) with a cap on the bytes actually
read. ``request.post()`` trusts only Content-Length: a chunked body has none, and aiohttp then
parsed up to the app's 25 MB upload limit for a form that holds a few hundred bytes."""

from __future__ import annotations

from urllib.parse import parse_qsl

from aiohttp import web
from multidict import MultiDict

from notices.web.uploads import read_upload
from villages.errors import InvalidInput

MAX_FIELDS = 60


def _too_long() -> InvalidInput:
    return InvalidInput("提交的内容太长了")


async def _read_capped(request: web.Request, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.readany():
        size += len(chunk)
        if size > limit:
            raise _too_long()
        chunks.append(chunk)
    return b"".join(chunks)


async def read_form(request: web.Request, limit: int) -> MultiDict[str]:
    """The form's fields; ``InvalidInput`` as soon as the body passes ``limit`` bytes."""
    if request.content_length is not None and request.content_length > limit:
        raise _too_long()
    # Browsers never compress a form; a compressed one would only hide its real size.
    if request.headers.get("Content-Encoding", "identity").strip().lower() != "identity":
        raise InvalidInput("提交的内容格式不对")
    if request.content_type == "multipart/form-data":
        upload = await read_upload(request, limit, file_required=False)
        return MultiDict((name, value) for name, values in upload.fields.items()
                         for value in values)
    return parse_urlencoded(await _read_capped(request, limit))


def parse_urlencoded(body: bytes) -> MultiDict[str]:
    """Fields of an application/x-www-form-urlencoded body, or ``InvalidInput``."""
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True,
                          max_num_fields=MAX_FIELDS, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("提交的内容格式不对") from None
    return MultiDict(pairs)
