"""An uploaded sheet held for a few hours between two console steps (accept the warnings,
confirm a column mapping), so the clerk doesn't have to pick the file again.

The sheet holds ID and bank numbers in the clear, so it is kept only encrypted (the data key
of ID numbers at rest), only for the staff member who uploaded it, and removed when used or
when it is older than ``KEEP``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag

from notices.privacy.cipher import SensitiveCipher, open_sealed, seal_bytes
from villages.errors import NotFound

KEEP = 4 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")


class UploadStash:
    def __init__(self, root: Path, cipher: SensitiveCipher) -> None:
        self.root = root
        self.cipher = cipher

    def _path(self, staff_id: int, token: str) -> Path:
        if not _TOKEN.match(token):
            raise NotFound("上传的文件已过期，请重新选择文件上传")
        return self.root / f"{staff_id}-{token}"

    def put(self, staff_id: int, filename: str, data: bytes, params: dict[str, Any]) -> str:
        self._sweep()
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
        token = secrets.token_urlsafe(24)
        head = json.dumps({"filename": filename, "params": params}).encode()
        blob = seal_bytes(self.cipher, len(head).to_bytes(4, "big") + head + data)
        path = self._path(staff_id, token)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        return token

    def get(self, staff_id: int, token: str) -> tuple[str, bytes, dict[str, Any]]:
        path = self._path(staff_id, token)
        try:
            if time.time() - path.stat().st_mtime > KEEP:
                raise FileNotFoundError
            raw = open_sealed(self.cipher, path.read_bytes())
        except (FileNotFoundError, InvalidTag, ValueError):
            raise NotFound("上传的文件已过期，请重新选择文件上传") from None
        size = int.from_bytes(raw[:4], "big")
        head = json.loads(raw[4 : 4 + size])
        return head["filename"], raw[4 + size :], head["params"]

    def drop(self, staff_id: int, token: str) -> None:
        self._path(staff_id, token).unlink(missing_ok=True)

    def _sweep(self) -> None:
        if not self.root.exists():
            return
        cutoff = time.time() - KEEP
        for path in self.root.iterdir():
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
            except FileNotFoundError:
                pass
