"""Where rendered files (board PDFs, images) live: a directory, written atomically."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: str) -> Path:
        if not _SAFE_NAME.match(name):
            raise ValueError(f"unsafe file name {name!r}")
        return self.root / name

    def put(self, name: str, data: bytes) -> Path:
        target = self.path(name)
        self.root.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, target)
        return target

    def read(self, name: str) -> bytes:
        return self.path(name).read_bytes()

    def exists(self, name: str) -> bool:
        return self.path(name).exists()
