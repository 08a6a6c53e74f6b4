"""Uploaded and generated files, content-addressed by sha256 under ``<data>/files/ab/cdef…``.

A file is written once (temporary file, then rename) and never overwritten or deleted by the app.
A user's file name is only ever kept as a label in the database; it never becomes a path.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import BinaryIO

SHA_RE = re.compile(r"^[0-9a-f]{64}$")


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root / "files"
        self.root.mkdir(parents=True, exist_ok=True)
        self.tmp = root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha: str) -> Path:
        if not SHA_RE.match(sha):
            raise ValueError("not a sha256")
        return self.root / sha[:2] / sha

    def put_stream(self, src: BinaryIO, limit: int) -> tuple[str, int] | None:
        """Store a stream; ``None`` when it is longer than ``limit`` bytes (nothing is kept)."""
        h = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self.tmp, prefix="up-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := src.read(1 << 16):
                    size += len(chunk)
                    if size > limit:
                        return None
                    h.update(chunk)
                    out.write(chunk)
            return self._place(tmp, h.hexdigest()), size
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def put_file(self, path: Path) -> tuple[str, int]:
        """Store a finished file (moved in, or dropped when the same content is already kept)."""
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 16):
                h.update(chunk)
        size = path.stat().st_size
        sha = h.hexdigest()
        self._place(str(path), sha)
        return sha, size

    def _place(self, tmp: str, sha: str) -> str:
        dest = self.path(sha)
        if dest.exists():  # same content already kept: never overwrite
            os.unlink(tmp)
            return sha
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(tmp, 0o440)
        try:
            os.link(tmp, dest)  # fails if another request placed it meanwhile: keep theirs
        except FileExistsError:
            pass
        except OSError:
            if not dest.exists():
                os.replace(tmp, dest)
                return sha
        if os.path.exists(tmp):
            os.unlink(tmp)
        return sha


def display_name(name: str | None, limit: int = 120) -> str:
    """A user's file name as a harmless label: no folders, no control characters, bounded length."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    name = name.strip().strip(".") or "未命名"
    if len(name) > limit:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: limit - len(ext) - 2] + "…." + ext) if dot and len(ext) <= 8 else name[:limit]
    return name


def suffix_of(name: str) -> str:
    """The lower-case extension (".xlsm") of a file name, or "" when it has none we know."""
    ext = os.path.splitext(name)[1].lower()
    return ext if re.fullmatch(r"\.[a-z0-9]{1,6}", ext) else ""
